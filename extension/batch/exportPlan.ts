/**
 * What an export writes for a given source, dtype and format (issue #6): channel count, sample type,
 * channel names and the output files, and which combinations are refused (with a sentence saying why).
 */
import type { ImageShape } from '../core/image/imageModel';
import type { ExportSettings } from '../project/projectSchema';
import { RESULT_TYPES } from './outputTemplate';

/** The shape of one export. */
export interface ExportPlan {
  /** Channels per (t, z) plane. */
  channels: number;
  dtype: 'float32' | 'uint8';
  channelNames: string[];
  needsProbabilities: boolean;
  needsFeatures: boolean;
  /** `{result_type}` of each output file: one file (TIFF, all channels) or one per channel (PNG probabilities). */
  resultTypes: string[];
}

/** An export combination that cannot be written. */
export class ExportSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportSettingsError';
  }
}

/**
 * Plans an export.
 * @param classNames names of the classes 1..K
 * @param featureNames names of the feature channels
 * @throws ExportSettingsError for PNG of a 3D/time series or of float data, or uint8 features
 */
export function planExport(settings: ExportSettings, shape: Pick<ImageShape, 't' | 'z'>, classNames: string[], featureNames: string[]): ExportPlan {
  const { source, format } = settings;
  const K = classNames.length;
  let plan: ExportPlan;
  const resultType = RESULT_TYPES[source];
  switch (source) {
    case 'probabilities':
      plan = { channels: K, dtype: settings.dtype, channelNames: classNames, needsProbabilities: true, needsFeatures: false, resultTypes: [resultType] };
      break;
    case 'simple-segmentation':
      plan = { channels: 1, dtype: 'uint8', channelNames: ['Simple Segmentation'], needsProbabilities: true, needsFeatures: false, resultTypes: [resultType] };
      break;
    case 'uncertainty':
      plan = { channels: 1, dtype: settings.dtype, channelNames: ['Uncertainty'], needsProbabilities: true, needsFeatures: false, resultTypes: [resultType] };
      break;
    case 'features':
      if (settings.dtype !== 'float32') throw new ExportSettingsError('features can only be exported as float32 (their range is not 0..1)');
      plan = { channels: featureNames.length, dtype: 'float32', channelNames: featureNames, needsProbabilities: false, needsFeatures: true, resultTypes: [resultType] };
      break;
    case 'labels':
      plan = { channels: 1, dtype: 'uint8', channelNames: ['Labels'], needsProbabilities: false, needsFeatures: false, resultTypes: [resultType] };
      break;
    default: {
      const never: never = source;
      throw new ExportSettingsError(`unknown export source ${String(never)}`);
    }
  }
  if (format === 'png') {
    if (shape.t > 1 || shape.z > 1) throw new ExportSettingsError('PNG holds one 2D plane; this image has several z-slices or time points: use TIFF');
    if (source === 'features') throw new ExportSettingsError('features cannot be exported as PNG (float data): use TIFF');
    if (plan.dtype !== 'uint8') throw new ExportSettingsError(`PNG export of ${source} needs --export-dtype uint8 (PNG has no float samples)`);
    if (source === 'probabilities') plan.resultTypes = classNames.map((_, k) => `${resultType}_${k + 1}`);
  }
  return plan;
}
