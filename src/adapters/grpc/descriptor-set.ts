import { readFile } from 'node:fs/promises';

/**
 * The FileDescriptorSet of protos/images_api.proto that server reflection serves. `npm run
 * generate` writes it to generated/, and `npm run build` copies it next to the compiled code;
 * both trees keep it at the same place relative to this module.
 */
export async function readImagesApiDescriptorSet(): Promise<Uint8Array> {
  const path = new URL('../../../generated/images_api.binpb', import.meta.url);
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(
      `the gRPC descriptor set "${path.pathname}" cannot be read: run npm run generate and build`,
      { cause: error },
    );
  }
}
