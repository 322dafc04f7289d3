import { invalidImageName, type CatalogError } from './catalog-error.js';
import { quote } from '../shared/quote.js';
import { failure, success, type Result } from '../shared/result.js';

/** A parsed `<owner>/<path>[:<tag>][@<digest>]`, following the Docker reference grammar. */
export interface ImageReference {
  /** The repository, e.g. `alice/tools/cli`. */
  readonly repository: string;
  /** The first path component: the namespace and the user who owns it. */
  readonly owner: string;
  readonly tag?: string;
  readonly digest?: string;
}

export interface ReferenceRules {
  /** Whether `@sha256:<hex>` may follow the name (Find accepts it, Delete does not). */
  readonly allowDigest: boolean;
}

/** The registry refuses longer repository names (distribution's NameTotalLengthMax). */
export const MAX_REPOSITORY_LENGTH = 255;

// Lowercase alphanumerics, joined by ".", "_", "__" or a run of "-".
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Whether `owner` can be a repository's first path component: a user's namespace. */
export function isOwnerName(owner: string): boolean {
  return PATH_COMPONENT.test(owner);
}

/** Parses an image reference; a malformed one is a failure that quotes the input and the rule. */
export function parseImageReference(
  value: string,
  rules: ReferenceRules,
): Result<ImageReference, CatalogError> {
  const reject = (rule: string) => failure(invalidImageName(value, rule));

  if (value === '') return reject('');

  // The digest comes last and may itself contain ":", so it is split off first.
  const at = value.indexOf('@');
  const nameAndTag = at === -1 ? value : value.slice(0, at);
  const digest = at === -1 ? undefined : value.slice(at + 1);
  if (digest !== undefined && !rules.allowDigest) return reject('must not carry a digest');
  if (digest !== undefined && !DIGEST.test(digest)) {
    return reject(
      `has digest ${quote(digest)}; expected sha256: followed by 64 lowercase hex digits`,
    );
  }

  // Names here never carry a registry host, so any ":" starts the tag.
  const colon = nameAndTag.indexOf(':');
  const repository = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  const tag = colon === -1 ? undefined : nameAndTag.slice(colon + 1);
  if (tag !== undefined && !TAG.test(tag)) {
    return reject(`has tag ${quote(tag)}; expected [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }

  if (repository.length > MAX_REPOSITORY_LENGTH) {
    return reject(`is longer than ${MAX_REPOSITORY_LENGTH} characters`);
  }

  const components = repository.split('/');
  if (components.length < 2) {
    return reject('must have the form <username>/<imagename>');
  }

  const badComponent = components.find((component) => !PATH_COMPONENT.test(component));
  if (badComponent !== undefined) {
    return reject(
      `has path component ${quote(badComponent)}; expected lowercase letters and digits ` +
        'separated by ".", "_", "__" or "-"',
    );
  }

  return success({
    repository,
    owner: components[0] as string,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  });
}
