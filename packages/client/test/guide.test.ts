/**
 * The contributor guide (docs/architecture.md) stays true: the files it lists exist and play the part it says, the
 * worked example matches the table entry it shows, and the emulator answers every endpoint of every table.
 */
import { Endpoint, EventsClient, WebhooksClient } from "@effect-exa/client"
import { ExaApi } from "@effect-exa/testing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as path from "node:path"

const root = path.resolve(__dirname, "../../..")
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8")
const guide = read("docs/architecture.md")

const listed = (name: string): Array<string> => {
  const block = new RegExp(`<!-- files: ${name} -->\\n([\\s\\S]*?)<!-- end -->`).exec(guide)
  expect(block, `the guide lists the files of "${name}"`).not.toBeNull()
  return [...block![1]!.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]!)
}

// Every resource client: a module with an endpoint table.
const resources = { EventsClient, WebhooksClient } as const

describe("docs/architecture.md", () => {
  it("an endpoint touches the files it lists (at most three), which exist and hold the example", () => {
    const files = listed("endpoint")
    expect(files.length).toBeLessThanOrEqual(3)
    for (const file of files) expect(fs.existsSync(path.join(root, file)), file).toBe(true)
    const entry = WebhooksClient.endpoints.getWebhook
    expect({ name: entry.name, method: entry.method, path: entry.path, notFound: entry.notFound }).toEqual({
      name: "WebhooksClient.getWebhook",
      method: "GET",
      path: "/websets/v0/webhooks/{id}",
      notFound: "webhook"
    })
    for (
      const line of [
        "name: \"WebhooksClient.getWebhook\"",
        "path: \"/websets/v0/webhooks/{id}\"",
        "notFound: \"webhook\""
      ]
    ) {
      expect(guide).toContain(line)
      expect(read("packages/client/src/WebhooksClient.ts")).toContain(line)
    }
    // The emulator's handlers are keyed by the table, so a missing one does not compile.
    expect(read(files[1]!)).toContain("[K in keyof typeof WebhooksClient.endpoints]")
  })

  it("a new resource touches the five files it lists, and every existing resource is wired in those places", () => {
    const files = listed("resource")
    expect(files.length).toBeLessThanOrEqual(5)
    const index = read("packages/client/src/index.ts")
    const exa = read("packages/client/src/Exa.ts")
    const emulator = read("packages/testing/src/ExaApi.ts")
    for (const name of Object.keys(resources)) {
      expect(index).toContain(`export * as ${name} from "./${name}.js"`)
      expect(exa).toContain(`${name}.Default`)
      expect(emulator).toContain(`${name}.endpoints`)
    }
    // The files it names for the new resource are the files these checks read.
    expect(files.filter((file) => fs.existsSync(path.join(root, file)))).toEqual([
      "packages/client/src/index.ts",
      "packages/client/src/Exa.ts",
      "packages/testing/src/ExaApi.ts"
    ])
  })

  it.effect("the emulator routes every endpoint of every table (none is answered \"Cannot …\")", () =>
    Effect.gen(function*() {
      const api = yield* ExaApi.ExaApi
      for (const table of Object.values(resources)) {
        for (const endpoint of Object.values(table.endpoints) as Array<Endpoint.Any>) {
          const url = new URL(`http://emulator${Endpoint.pathOf(endpoint, { id: "x_1" })}`)
          const outcome = yield* api.handle({
            method: endpoint.method,
            url,
            headers: { "x-api-key": Redacted.value(api.apiKey) },
            body: "{}"
          })
          expect(outcome._tag).toBe("Reply")
          if (outcome._tag === "Reply") expect(outcome.reply.body, endpoint.name).not.toContain("Cannot ")
        }
      }
      const unknown = yield* api.handle({
        method: "PUT",
        url: new URL("http://emulator/websets/v0/events/x"),
        headers: {}
      })
      expect(unknown._tag === "Reply" && unknown.reply.status).toBe(404)
    }).pipe(Effect.provide(ExaApi.layer())))
})
