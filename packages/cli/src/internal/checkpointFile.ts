/**
 * `--checkpoint FILE`: the positions of `tail` and `listen` in one small JSON file (`{ name: position }`), so that
 * a command started again resumes where it stopped. `Checkpoint.layerFile` writes it: each write re-reads the file
 * under a short lock and replaces it whole (temporary file, `fsync`, rename), so `tail` and `listen` sharing one
 * file keep each other's positions, and a crash at any moment leaves a readable file.
 *
 * @internal
 */
import * as Checkpoint from "@effect-exa/client/Checkpoint"
import type * as Errors from "@effect-exa/client/Errors"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/** The `Checkpoint` for `--checkpoint`: in the file when one is given, else in memory. */
export const layer = (
  path: Option.Option<string>
): Layer.Layer<Checkpoint.Checkpoint, Errors.InvalidRequest, FileSystem.FileSystem | Path.Path> =>
  Option.match(path, {
    onNone: () => Checkpoint.layerMemory,
    onSome: (file) => Checkpoint.layerFile(file)
  })
