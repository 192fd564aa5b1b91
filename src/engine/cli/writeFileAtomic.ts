/** Writing a file the CLI produces (`rung export --out`) so that no one ever sees half of it. */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** `file` exists and the caller did not ask to replace it. */
export class FileExistsError extends Error {
  override readonly name = 'FileExistsError';

  constructor(readonly file: string) {
    super(`${file} already exists`);
  }
}

/**
 * Writes `text` to `file` atomically: into a temp file beside it (same folder, so the same file system),
 * flushed to disk, then given the final name in one step. A crash or a full disk mid-write leaves the old
 * file (or none) and at most a stray `.<name>.<pid>.<random>.tmp`, never a half-written `file`.
 *
 * Without `overwrite`, an existing `file` throws {@link FileExistsError} and is left untouched, even one that
 * appears while we write: the temp file is hard-linked to the name (which fails when the name is taken)
 * instead of renamed over it. Only where the file system has no hard links does it fall back to
 * check-then-rename.
 */
export function writeFileAtomic(file: string, text: string, options: { readonly overwrite: boolean }): void {
  if (!options.overwrite && existsSync(file)) throw new FileExistsError(file);
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx');
    try {
      const data = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
      fsyncSync(fd); // on disk before it takes the name: a crash after the rename must not show an empty file
    } finally {
      closeSync(fd);
    }
    if (options.overwrite) {
      renameSync(temp, file);
      return;
    }
    try {
      linkSync(temp, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new FileExistsError(file);
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      if (existsSync(file)) throw new FileExistsError(file);
      renameSync(temp, file);
    }
  } finally {
    // Gone after a rename; after a link (or a failure) the temp name is removed here.
    rmSync(temp, { force: true });
  }
}
