import fc from 'fast-check';

/**
 * The image reference grammar as FogCore documents it, written here from Docker's reference
 * grammar (distribution's reference/regexp.go) rather than taken from src/, so that the property
 * tests compare the service with an oracle of their own: two or more lowercase path components,
 * an optional tag, an optional sha256 digest, at most 255 characters of repository name.
 */
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})+`;
const TAG = '[\\w][\\w.-]{0,127}';
const SHA256_DIGEST = 'sha256:[a-f0-9]{64}';
const NAME_TOTAL_LENGTH_MAX = 255;

const WITH_DIGEST = new RegExp(`^(${REMOTE_NAME})(?::${TAG})?(?:@${SHA256_DIGEST})?$`);
const WITHOUT_DIGEST = new RegExp(`^(${REMOTE_NAME})(?::${TAG})?$`);

/** Whether the oracle takes `name` for a well-formed reference (Find allows a digest, Delete not). */
export function oracleAccepts(name: string, allowDigest: boolean): boolean {
  const match = (allowDigest ? WITH_DIGEST : WITHOUT_DIGEST).exec(name);
  return match !== null && (match[1] as string).length <= NAME_TOTAL_LENGTH_MAX;
}

/** What the server receives for `name`: protobuf strings travel as UTF-8. */
export function asSentOnTheWire(name: string): string {
  return Buffer.from(name, 'utf8').toString('utf8');
}

const alphanumeric = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const separator = fc.constantFrom('.', '_', '__', '-', '--', '---');

const pathComponent = fc
  .tuple(alphanumeric, fc.array(fc.tuple(separator, alphanumeric), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([joint, part]) => joint + part).join(''));

/** Repositories, tags and digests the catalog holds, so that valid names also find something. */
export const KNOWN = {
  repositories: ['alice/app', 'alice/tools/cli', 'bob/web'],
  tags: ['latest', 'v1', '1.0'],
  digest: `sha256:${'c'.repeat(64)}`,
} as const;

const repository = fc.oneof(
  fc.constantFrom(...KNOWN.repositories),
  fc
    .tuple(
      fc.oneof(fc.constantFrom('alice', 'bob'), pathComponent),
      fc.array(pathComponent, { minLength: 1, maxLength: 3 }),
    )
    .map(([owner, path]) => [owner, ...path].join('/')),
);

const tag = fc.oneof(
  fc.constantFrom(...KNOWN.tags),
  fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/),
);

const digest = fc.oneof(
  fc.constant(KNOWN.digest),
  fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
);

/** Well-formed references: `<owner>/<path>[:<tag>][@sha256:<hex>]`. */
export function validReference(allowDigest: boolean): fc.Arbitrary<string> {
  return fc
    .record({
      repository,
      tag: fc.option(tag, { nil: undefined }),
      digest: allowDigest ? fc.option(digest, { nil: undefined }) : fc.constant(undefined),
    })
    .map(
      (parts) =>
        parts.repository +
        (parts.tag === undefined ? '' : `:${parts.tag}`) +
        (parts.digest === undefined ? '' : `@${parts.digest}`),
    );
}

/** Repository names of 250 to 258 characters, across the 255 limit, some ending in a separator. */
const boundaryLength = fc
  .record({
    length: fc.integer({ min: 250, max: 258 }),
    filler: fc.constantFrom('a', 'ab-c', 'a.b_c', 'a/b', 'a__b/'),
    suffix: fc.constantFrom('', ':v1', `@${KNOWN.digest}`),
  })
  .map(({ length, filler, suffix }) => {
    const path = filler.repeat(Math.ceil(length / filler.length)).slice(0, length - 2);
    return `x/${path}${suffix}`;
  });

/** Characters that break names in interesting ways: separators, controls, look-alikes. */
const awkwardCharacter = fc.oneof(
  fc.constantFrom(':', '/', '@', '.', '_', '-', ' ', '+', '%', '\\', '*', '?', '#'),
  fc.constantFrom('\u0000', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085'),
  // Zero-width space, fullwidth A, Cyrillic a, Turkish dotless i, an emoji, a lone surrogate.
  fc.constantFrom('\u200b', '\uff21', '\u0430', '\u0131', '\u{1f600}', '\ud800'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Endings that sit just outside the tag and digest rules. */
const awkwardEnding = fc.constantFrom(
  ':',
  '@',
  ':@',
  '@sha256:',
  '/',
  '//',
  ':-v1',
  ':.v1',
  `:${'t'.repeat(128)}`,
  `:${'t'.repeat(129)}`,
  `@sha256:${'c'.repeat(63)}`,
  `@sha256:${'c'.repeat(65)}`,
  `@sha256:${'C'.repeat(64)}`,
  `@sha512:${'c'.repeat(128)}`,
  `:v1@sha256:${'c'.repeat(64)}`,
  `@${KNOWN.digest}@${KNOWN.digest}`,
);

type Mutation =
  | { readonly kind: 'upper' | 'remove' | 'truncate'; readonly at: number }
  | { readonly kind: 'insert' | 'replace'; readonly at: number; readonly text: string }
  | { readonly kind: 'append'; readonly text: string }
  | { readonly kind: 'prepend'; readonly text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('upper', 'remove', 'truncate'), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom('insert', 'replace'), at: fc.nat(), text: awkwardCharacter }),
  fc.record({ kind: fc.constant('append'), text: awkwardEnding }),
  fc.record({
    kind: fc.constant('prepend'),
    text: fc.constantFrom('/', '_', '-', 'registry.example.com:5000/', 'docker.io/', 'A'),
  }),
) as fc.Arbitrary<Mutation>;

function mutate(name: string, change: Mutation): string {
  if (change.kind === 'append') return name + change.text;
  if (change.kind === 'prepend') return change.text + name;

  const at = name.length === 0 ? 0 : change.at % name.length;
  switch (change.kind) {
    case 'upper':
      return name.slice(0, at) + name.charAt(at).toUpperCase() + name.slice(at + 1);
    case 'remove':
      return name.slice(0, at) + name.slice(at + 1);
    case 'truncate':
      return name.slice(0, at);
    case 'insert':
      return name.slice(0, at) + change.text + name.slice(at);
    case 'replace':
      return name.slice(0, at) + change.text + name.slice(at + 1);
  }
}

/** Valid references with one to three mutations: mostly broken, sometimes still valid. */
export function nearValidReference(allowDigest: boolean): fc.Arbitrary<string> {
  return fc
    .tuple(validReference(allowDigest), fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([name, changes]) => changes.reduce(mutate, name));
}

/** Every kind of name the properties try, valid ones among them, the empty one included. */
export function hostileImageName(allowDigest: boolean): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: validReference(allowDigest) },
    { weight: 5, arbitrary: nearValidReference(allowDigest) },
    { weight: 1, arbitrary: boundaryLength },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constant('') },
  );
}
