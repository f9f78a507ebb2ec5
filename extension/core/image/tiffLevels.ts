/**
 * Pyramids of a TIFF (issue #13): lower resolutions of each plane stored either in SubIFDs (tag 330, the OME-TIFF
 * way: level k of a plane is the k-th SubIFD of its page) or as reduced-resolution pages (NewSubfileType bit 0)
 * following the plane's page in the main chain (older pyramid writers, tifffile's `subfiletype=1`). Level 0 is
 * the main chain's pages. A level is used only when it is smaller than the one above it, has the same samples
 * as page 0 and a supported compression; the first one that is not (a thumbnail, say) ends the pyramid.
 */
import type { ByteSource } from './byteSource';
import { readIfd, type IfdSummary } from './tiffIfdWalk';
import { loadTiffPage, TIFF_COMPRESSIONS, type Ifd, type TiffPage } from './tiffTags';
import { checkBlocks } from './tiffValidation';

/** One lower level: its size and its page per plane. */
export interface TiffLevel {
  width: number;
  height: number;
  /** Tile/strip width of its first page (the decoder's scratch size). */
  blockWidth: number;
  /** The level's page of plane `pageIndex` (validated, same size as the level). */
  getPage(pageIndex: number): Promise<TiffPage>;
}

/** What {@link openTiffLevels} needs from the opened file. */
export interface TiffLevelContext {
  source: ByteSource;
  tiffSize: number;
  littleEndian: boolean;
  bigTiff: boolean;
  ifds: IfdSummary[];
  /** Main-chain IFD index of each plane page. */
  pageIfds: number[];
  /** Main-chain IFD indices of the reduced-resolution pages following each plane page. */
  reducedAfter: number[][];
  page0: TiffPage;
  parseAt(offset: number): Promise<Ifd>;
  fail(reason: string): never;
}

/** The lower levels of a TIFF (empty when it has one resolution). */
export async function openTiffLevels(context: TiffLevelContext): Promise<{ kind: 'subifds' | 'reduced'; levels: TiffLevel[] } | undefined> {
  const { ifds, pageIfds, reducedAfter, page0, fail } = context;
  const subIfds = ifds[pageIfds[0]].subIfds;
  let kind: 'subifds' | 'reduced';
  let count: number;
  let offsetOf: (level: number, pageIndex: number) => Promise<number>;
  if (subIfds && subIfds.length > 0) {
    kind = 'subifds';
    count = subIfds.length;
    offsetOf = async (level, pageIndex) => {
      const main = ifds[pageIfds[pageIndex]];
      const offset = main.subIfds?.[level - 1];
      if (offset === undefined) fail(`page ${pageIfds[pageIndex]} has no SubIFD for resolution level ${level}`);
      // SubIFDs are not in the main chain: validate each before geotiff parses it.
      await readIfd(context.source, offset!, `SubIFD ${level - 1} of IFD ${pageIfds[pageIndex]}`, context.littleEndian, context.bigTiff);
      return offset!;
    };
  } else if (reducedAfter[0].length > 0 && reducedAfter.every((list) => list.length === reducedAfter[0].length)) {
    kind = 'reduced';
    count = reducedAfter[0].length;
    offsetOf = async (level, pageIndex) => ifds[reducedAfter[pageIndex][level - 1]].offset;
  } else {
    return undefined;
  }
  const levels: TiffLevel[] = [];
  let above = { width: page0.width, height: page0.height };
  for (let level = 1; level <= count; level++) {
    const first = await loadTiffPage(await context.parseAt(await offsetOf(level, 0)), pageIfds[0], fail);
    const smaller = first.width <= above.width && first.height <= above.height && (first.width < above.width || first.height < above.height);
    const same = first.samplesPerPixel === page0.samplesPerPixel && first.bitsPerSample === page0.bitsPerSample && first.sampleFormat === page0.sampleFormat;
    if (!smaller || !same || first.width < 1 || first.height < 1 || !TIFF_COMPRESSIONS[first.compression]) break;
    checkBlocks(first, pageIfds[0], context.tiffSize, fail);
    const { width, height } = first;
    const cache = new Map<number, Promise<TiffPage>>([[0, Promise.resolve(first)]]);
    const levelNumber = level;
    levels.push({
      width, height, blockWidth: first.blockWidth,
      getPage(pageIndex: number): Promise<TiffPage> {
        let hit = cache.get(pageIndex);
        if (!hit) {
          if (cache.size > 256) for (const key of [...cache.keys()].slice(1, 129)) cache.delete(key);
          hit = (async () => {
            const page = await loadTiffPage(await context.parseAt(await offsetOf(levelNumber, pageIndex)), pageIfds[pageIndex], fail);
            if (page.width !== width || page.height !== height || page.samplesPerPixel !== first.samplesPerPixel || page.bitsPerSample !== first.bitsPerSample || page.sampleFormat !== first.sampleFormat) {
              fail(`resolution level ${levelNumber} of page ${pageIfds[pageIndex]} is ${page.width}×${page.height}, unlike that of page 0 (${width}×${height})`);
            }
            if (!TIFF_COMPRESSIONS[page.compression]) fail(`resolution level ${levelNumber} of page ${pageIfds[pageIndex]} uses unsupported compression ${page.compression}`);
            checkBlocks(page, pageIfds[pageIndex], context.tiffSize, fail);
            return page;
          })();
          cache.set(pageIndex, hit);
        }
        return hit;
      },
    });
    above = { width, height };
  }
  return { kind, levels };
}
