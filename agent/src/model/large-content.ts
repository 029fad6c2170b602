/**
 * Large file contents (README.md "Large files"): above LARGE_CONTENT_BYTES a file's content is compared by
 * its sha256, never shown as text or diffed line by line, and an observed host file is hashed as a stream
 * instead of being read into memory (effects/hash-file.ts). Rendered files larger than MAX_RENDERED_FILE_BYTES are refused when
 * the repository is read.
 */
/** 1 MiB: above this, contents are digests in plans and observation streams. */
export const LARGE_CONTENT_BYTES = 1 << 20;
/** 1 GiB: the documented limit for one rendered file (config/etc file or companion). */
export const MAX_RENDERED_FILE_BYTES = 1 << 30;

/** What stands for the bytes of a large observed file. */
export interface LargeContent {
  size: number;
  /** `sha256:<hex>` of all bytes. */
  digest: string;
  /** `sha256:<hex>` of the bytes after the first line (for a companion whose first line is the marker). */
  digestAfterFirstLine: string;
}
