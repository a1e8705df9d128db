/**
 * Every TypeScript block in the docs must be the text of a region of a file under docs/examples or docs/test,
 * which the build type-checks and this suite runs: so no example in the docs can rot.
 */
import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const docs = new URL("..", import.meta.url).pathname
const read = (path: string) => readFileSync(join(docs, path), "utf8")

const sources = [
  ...readdirSync(join(docs, "examples")).filter((f) => f.endsWith(".ts")).map((f) => `examples/${f}`),
  ...readdirSync(join(docs, "test")).filter((f) => f.endsWith(".ts")).map((f) => `test/${f}`)
]
const regions = sources.flatMap((path) =>
  [...read(path).matchAll(/\/\/ #region (\S+)\n([\s\S]*?)\/\/ #endregion/g)].map((m) => ({
    path,
    name: m[1],
    text: m[2]!.trimEnd()
  }))
)

// The docs pages, and the repository's README.
const pages = [...readdirSync(docs).filter((f) => f.endsWith(".md")), "../README.md"]

describe("docs", () => {
  it("has pages with examples", () => {
    expect(pages.length).toBeGreaterThanOrEqual(7)
    expect(regions.length).toBeGreaterThanOrEqual(10)
  })

  for (const page of pages) {
    it(`${page}: every ts block is an executed example`, () => {
      const blocks = [...read(page).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trimEnd())
      for (const block of blocks) {
        const found = regions.find((region) => region.text === block)
        expect(found, `${page} has a block that is in no example:\n${block.slice(0, 200)}`).toBeDefined()
        // A snippet copied alone must run: it carries its own imports.
        expect(/^import /m.test(block), `${page} has a block without its imports:\n${block.slice(0, 200)}`).toBe(true)
      }
    })
  }
})
