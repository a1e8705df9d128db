// A typedoc plugin: names each module by its import specifier. One program per line documents the three packages
// at once (far faster than one program per package), and typedoc would then name modules by their path
// ("client/src/EventsClient"); the reference should show what a user imports ("@effect-exa/client/EventsClient").
import { readFileSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { Converter, ReflectionKind } from "typedoc"

const packageName = (dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName
    if (file === undefined || basename(dirname(file)) !== "src") return
    const name = packageName(dirname(dirname(file)))
    const module = basename(file).replace(/\.ts$/, "")
    reflection.name = module === "index" ? name : `${name}/${module}`
  })
}
