/** Plain wording for the raw errors of geotiff and DataView that a corrupt TIFF provokes. */

/**
 * Plain reason for a raw geotiff / DataView error text that would otherwise reach users ("… exceeds
 * MAX_SAFE_INTEGER … Please report … github", "Offset is outside the bounds of the DataView"), or
 * undefined for messages that are already plain.
 */
export function plainTiffReason(message: string): string | undefined {
  if (/MAX_SAFE_INTEGER/i.test(message)) return "corrupt TIFF: a value exceeds the file's addressable range";
  if (/outside the bounds of the DataView|Offset is out of bounds|out of range access/i.test(message)) return 'corrupt TIFF: an offset points outside the file';
  return undefined;
}
