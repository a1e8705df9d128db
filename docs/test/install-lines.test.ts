/**
 * Every install line in the README and the docs pins what its line of effect-exa needs: npm's `latest` of `effect`,
 * `@effect/vitest` or `@effect/platform-node` is for Effect 4, so an unpinned Effect 3 line gives a new user a peer
 * conflict; and npm's `latest` of `@effect-exa/*` is the Effect 3 line, so an Effect 4 line (one that installs
 * `effect` 4) must name the Effect 4 packages' prerelease version. The versions are the workspace catalogs'
 * (pnpm-workspace.yaml, effect4/pnpm-workspace.yaml) and effect4's package versions; nothing is installed.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = new URL("../..", import.meta.url).pathname
const read = (path: string) => readFileSync(join(root, path), "utf8")

/** The `catalog:` of pnpm-workspace.yaml: package name to version (or range). */
const catalog = (yaml: string): ReadonlyMap<string, string> => {
  const entries = new Map<string, string>()
  let inside = false
  for (const line of yaml.split("\n")) {
    if (/^\S/.test(line)) inside = line.startsWith("catalog:")
    else if (inside) {
      const entry = /^\s+("?)([^":\s]+)\1:\s*(\S+)\s*$/.exec(line)
      if (entry !== null) entries.set(entry[2]!, entry[3]!)
    }
  }
  return entries
}

type Version = readonly [number, number, number]

const parse = (text: string): Version | undefined => {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text)
  return m === null ? undefined : [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)]
}

const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]

/**
 * Whether an npm range of the forms the docs use (`^3.22`, `~0.52.1`, `0.53`, `7`) admits `version`, and pins the
 * line: a `0.x` range fixes the minor version (npm treats each 0.x minor as a breaking release).
 */
const admits = (range: string, version: string): boolean => {
  const exact = parse(version)
  const m = /^([\^~]?)(\d+(?:\.\d+){0,2})$/.exec(range)
  if (exact === undefined || m === null) return false
  const operator = m[1]!
  const parts = m[2]!.split(".").length
  const low = parse(m[2]!)!
  if (compare(exact, low) < 0) return false
  // The upper bound: the next major (`^1.2`), the next minor (`^0.2`, `~1.2`, `1.2`), or the next patch (`1.2.3`).
  const bump = (i: 0 | 1 | 2): Version =>
    i === 0 ? [low[0] + 1, 0, 0] : i === 1 ? [low[0], low[1] + 1, 0] : [low[0], low[1], low[2] + 1]
  const upper = operator === "^"
    ? bump(low[0] > 0 ? 0 : 1)
    : operator === "~"
    ? bump(parts === 1 ? 0 : 1)
    : bump(parts === 1 ? 0 : parts === 2 ? 1 : 2)
  const pinsLine = low[0] > 0 || compare(upper, [0, low[1] + 1, 0]) <= 0
  return compare(exact, upper) < 0 && pinsLine
}

/** One package an install line names: `name` and the version range given, if any. */
interface Named {
  readonly name: string
  readonly range: string | undefined
}

/** The install commands in a text (`npm install …`, `npm i`, `pnpm add`, `yarn add`, `bun add`), lines joined. */
const installLines = (text: string): Array<string> =>
  text.replace(/\s*\\\n\s*/g, " ").split("\n").flatMap((line) =>
    [...line.matchAll(/\b(?:npm (?:install|i|add)|pnpm (?:add|install)|yarn add|bun (?:add|install))\b[^`#\n;&|)]*/g)]
      .map((m) => m[0].trim())
  )

/** The registry packages a command names (flags, paths, tarballs and URLs left out). */
const packagesOf = (command: string): Array<Named> =>
  command.split(/\s+/).slice(2).flatMap((word): Array<Named> => {
    const token = word.replace(/^['"]|['"]$/g, "")
    if (token === "" || token.startsWith("-") || /^[./~]|\.tgz$|:\/\/|^\$/.test(token)) return []
    const at = token.indexOf("@", 1)
    return [at === -1 ? { name: token, range: undefined } : { name: token.slice(0, at), range: token.slice(at + 1) }]
  })

// The docs pages, and the repository's README.
const pages = [...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`), "README.md"]
const versions = catalog(read("pnpm-workspace.yaml"))
const versions4 = catalog(read("effect4/pnpm-workspace.yaml"))
/** The Effect 4 packages' version (a prerelease, which no caret range of a release admits). */
const next: string = JSON.parse(read("effect4/packages/client/package.json")).version

/** Which Effect line an install command is for: 4 when it installs `effect` 4 or an `@effect-exa` prerelease. */
const lineOf = (named: ReadonlyArray<Named>): 3 | 4 =>
  named.some((n) =>
      (n.name === "effect" && n.range !== undefined && /^[\^~]?4(\.|$)/.test(n.range)) ||
      (n.name.startsWith("@effect-exa/") && n.range?.includes("-") === true)
    )
    ? 4
    : 3

/** What an install line must say about one package: nothing when it is right. */
const problem = (named: Named, line: 3 | 4 = 3): string | undefined => {
  if (named.name.startsWith("@effect-exa/")) {
    // This project's own packages: on Effect 3 npm's latest (the 0.x line); on Effect 4 the prerelease, exactly.
    if (line === 3 || named.range === next) return undefined
    return `${named.name}${named.range === undefined ? "" : `@${named.range}`} on an Effect 4 line is not ` +
      `${named.name}@${next}: npm's latest is the Effect 3 line`
  }
  const catalogFile = line === 3 ? "pnpm-workspace.yaml" : "effect4/pnpm-workspace.yaml"
  const version = (line === 3 ? versions : versions4).get(named.name)
  if (version === undefined) {
    return `${named.name} is not in the Effect ${line} catalog (${catalogFile}): add it there, with the version tested`
  }
  const wanted = version.replace(/^[\^~]/, "")
  if (named.range === undefined) {
    return `${named.name} is not pinned: npm's latest may not be for Effect ${line} (the catalog has ${version})`
  }
  if (!admits(named.range, wanted)) return `${named.name}@${named.range} does not pin the catalog's ${version}`
  // The Effect 4 packages peer on one minor (`>=4.1.5 <4.2.0`): a caret or a bare major would admit the next one.
  if (line === 4 && (named.range.startsWith("^") || !/^~?\d+\.\d+/.test(named.range))) {
    return `${named.name}@${named.range} admits another minor than the catalog's ${version} (Effect 4 pins the minor)`
  }
  return undefined
}

describe("install lines", () => {
  it("the checker: catalog, ranges, packages", () => {
    expect(catalog("packages:\n  - a\ncatalog:\n  effect: 3.22.4\n  \"@effect/sql\": 0.52.1\nother:\n  x: 1\n"))
      .toEqual(
        new Map([["effect", "3.22.4"], ["@effect/sql", "0.52.1"]])
      )
    for (
      const [range, version] of [["^3.22", "3.22.4"], ["^0.97", "0.97.2"], ["0.52", "0.52.1"], ["~0.53.0", "0.53.0"], [
        "^7",
        "7.30.2"
      ], ["3.22.4", "3.22.4"]]
    ) {
      expect(admits(range!, version!), `${range} ${version}`).toBe(true)
    }
    for (
      const [range, version] of [
        ["^4", "3.22.4"],
        ["^3.23", "3.22.4"],
        ["^0.96", "0.97.2"],
        ["latest", "3.22.4"],
        ["*", "1.0.0"],
        ["0", "0.52.1"],
        ["~0", "0.52.1"],
        [">=3", "3.22.4"]
      ]
    ) {
      expect(admits(range!, version!), `${range} ${version}`).toBe(false)
    }
    expect(installLines("a\n```sh\nnpm install x@^1 \\\n  y  # why\nnpx z\n```\nrun `pnpm add -D w@1` then")).toEqual([
      "npm install x@^1 y",
      "pnpm add -D w@1"
    ])
    expect(installLines("corepack pnpm install && corepack pnpm test")).toEqual(["pnpm install"])
    expect(packagesOf("npm install --save-dev @effect/vitest@^0.30 vitest ./a.tgz /tmp/b.tgz @effect-exa/client"))
      .toEqual([
        { name: "@effect/vitest", range: "^0.30" },
        { name: "vitest", range: undefined },
        { name: "@effect-exa/client", range: undefined }
      ])
    expect(problem({ name: "@effect/platform-node", range: undefined })).toContain("not pinned")
    expect(problem({ name: "@effect/vitest", range: "^0.29" })).toContain("does not pin")
    expect(problem({ name: "left-pad", range: "1" })).toContain("not in the Effect 3 catalog")
    // The Effect 4 line: its catalog, and the @effect-exa prerelease named exactly.
    const four = packagesOf(`npm install @effect-exa/client@${next} effect@~4.1 @effect/sql-pg@~4.1`)
    expect(lineOf(four)).toBe(4)
    expect(lineOf(packagesOf("npm install @effect-exa/client effect@^3.22"))).toBe(3)
    expect(four.map((named) => problem(named, 4))).toEqual([undefined, undefined, undefined])
    expect(problem({ name: "@effect-exa/client", range: undefined }, 4)).toContain("npm's latest is the Effect 3 line")
    expect(problem({ name: "@effect-exa/client", range: "^1.0.0" }, 4)).toContain(`is not @effect-exa/client@${next}`)
    expect(problem({ name: "@effect/platform", range: "^0.97" }, 4)).toContain("not in the Effect 4 catalog")
    expect(problem({ name: "effect", range: "^4.1.5" }, 4)).toContain("admits another minor")
    expect(problem({ name: "effect", range: "4" }, 4)).toContain("admits another minor")
    expect(problem({ name: "effect", range: "^3.22" }, 4)).toContain("does not pin")
  })

  for (const page of pages) {
    it(`${page}: every package installed is pinned to the catalog's version`, () => {
      const problems = installLines(read(page)).flatMap((line) =>
        packagesOf(line).flatMap((named, _, all) => {
          const found = problem(named, lineOf(all))
          return found === undefined ? [] : [`${found}\n    in: ${line}`]
        })
      )
      expect(problems, page).toEqual([])
    })
  }

  it("every package the docs' examples import is installed, pinned, on some page", () => {
    const installed = new Set(
      pages.flatMap((page) => installLines(read(page)).flatMap((line) => packagesOf(line).map((n) => n.name)))
    )
    const imported = new Set(
      pages.flatMap((page) =>
        [...read(page).matchAll(/```ts\n([\s\S]*?)```/g)].flatMap((block) =>
          [...block[1]!.matchAll(/from "((?:@[^/"]+\/)?[^/".][^/"]*)/g)].map((m) => m[1]!)
        )
      )
    )
    const missing = [...imported].filter((name) =>
      !name.startsWith("@effect-exa/") && !name.startsWith("node:") && !installed.has(name)
    )
    expect(missing).toEqual([])
    // What a new user of the command line, the receiver or the tests reaches for first.
    for (const name of ["effect", "@effect/platform", "@effect/platform-node", "@effect/vitest"]) {
      expect(installed, name).toContain(name)
    }
  })
})
