/** Inversify service identifiers, one per port or infrastructure handle. */
export const TOKENS = {
  Config: Symbol.for('Config'),
  Logger: Symbol.for('Logger'),
  MongoConnection: Symbol.for('MongoConnection'),
  Clock: Symbol.for('Clock'),
  ImageCatalog: Symbol.for('ImageCatalog'),
  RegistryClient: Symbol.for('RegistryClient'),
  ListImages: Symbol.for('ListImages'),
  FindImage: Symbol.for('FindImage'),
  DeleteImage: Symbol.for('DeleteImage'),
} as const;
