import { beforeEach, describe } from 'vitest';

import { imageCatalogContract } from '../../support/image-catalog-contract.js';
import { InMemoryImageCatalog } from './in-memory-image-catalog.js';

// The fake stands in for MongooseImageCatalog in use-case tests, so it must keep the same rules.
describe('InMemoryImageCatalog', () => {
  let catalog: InMemoryImageCatalog;

  beforeEach(() => {
    catalog = new InMemoryImageCatalog();
  });

  imageCatalogContract(() => catalog, 300);
});
