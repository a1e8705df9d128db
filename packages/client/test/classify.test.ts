/**
 * The response classification as a pure function (`internal/classify.ts`), on endpoints declared here: which statuses
 * are redirects, when a 404 is `NotFound`, and the reason a `Decode` error gives for an answer that holds a secret,
 * worked out from the kept text only.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Endpoint from "../src/Endpoint.js"
import { classify, type Response } from "../src/internal/classify.js"

const Secretive = Schema.Struct({ id: Schema.String, secret: Schema.String })

const base = {
  name: "Test.call",
  method: "GET",
  path: "/things/{id}",
  request: () => ({}),
  decode: Schema.decodeUnknownEither(Secretive),
  describe: (_: unknown, error: { readonly message: string }) => `described: ${error.message.split("\n")[0]}`
} as const

const plain = Endpoint.make(base as never) as Endpoint.Any
const withNotFound = Endpoint.make({ ...base, notFound: "thing" } as never) as Endpoint.Any
const redacting = (kept: { readonly body: string; readonly reason?: string; readonly note?: string }) =>
  Endpoint.make({ ...base, redact: () => kept } as never) as Endpoint.Any

const response = (status: number, text = "", headers: Record<string, string> = {}): Response => ({
  status,
  text,
  header: (name) => headers[name]
})

const run = (endpoint: Endpoint.Any, id: string | undefined, answer: Response) =>
  classify(endpoint, id, answer, () => 0, (text) => text)

const failure = (endpoint: Endpoint.Any, id: string | undefined, answer: Response) => {
  const result = run(endpoint, id, answer)
  assert(Either.isLeft(result), "expected an error")
  return result.left
}

describe("classify", () => {
  it("3xx but 304 (and fetch's status 0) is Redirected; 1xx and 304 are ApiError", () => {
    expect(failure(plain, "a", response(302, "", { location: "https://elsewhere.example/" }))).toMatchObject({
      _tag: "Redirected",
      status: 302,
      location: "https://elsewhere.example/"
    })
    expect(failure(plain, "a", response(399))._tag).toBe("Redirected")
    const zero = failure(plain, "a", response(0))
    expect(zero._tag).toBe("Redirected")
    expect("status" in zero).toBe(false)
    expect(failure(plain, "a", response(304))).toMatchObject({ _tag: "ApiError", status: 304 })
    expect(failure(plain, "a", response(199))).toMatchObject({ _tag: "ApiError", status: 199 })
    expect(failure(plain, "a", response(400))).toMatchObject({ _tag: "ApiError", status: 400 })
  })

  it("a 404 is NotFound only for an endpoint that names its resource, with the id the call named", () => {
    expect(failure(withNotFound, "t_1", response(404))).toMatchObject({
      _tag: "NotFound",
      resource: "thing",
      id: "t_1"
    })
    expect(failure(withNotFound, undefined, response(404))).toMatchObject({ _tag: "ApiError", status: 404 })
    expect(failure(plain, "t_1", response(404))).toMatchObject({ _tag: "ApiError", status: 404 })
  })

  it("a body that decodes is the value; one that does not is Decode with the body and the reason", () => {
    const ok = run(plain, "a", response(200, JSON.stringify({ id: "t_1", secret: "s" })))
    expect(ok).toEqual(Either.right({ id: "t_1", secret: "s" }))
    expect(failure(plain, "a", response(200, "{}"))).toMatchObject({ _tag: "Decode", body: "{}", status: 200 })
  })

  describe("an answer holding a secret: the Decode keeps the redacted text, and a reason from it alone", () => {
    const secretBody = JSON.stringify({ id: 1, secret: "whsec_do_not_show" })

    it("the endpoint's own reason, with its note", () => {
      const error = failure(
        redacting({ body: "{\"id\":1}", reason: "the secret is not a string", note: "a thing may exist" }),
        "a",
        response(200, secretBody)
      )
      expect(error).toMatchObject({
        _tag: "Decode",
        body: "{\"id\":1}",
        reason: "the secret is not a string. a thing may exist"
      })
    })

    it("else the reason the kept text gives, when it does not decode either", () => {
      const error = failure(redacting({ body: "{\"id\":1}" }), "a", response(200, secretBody))
      assert(error._tag === "Decode")
      expect(error.reason.startsWith("described: ")).toBe(true)
      expect(error.reason).not.toContain("whsec_")
    })

    it("else a fixed reason: nothing kept, or the kept text decodes (the part that failed was removed)", () => {
      const nothingKept = failure(redacting({ body: "", note: "a thing may exist" }), "a", response(200, secretBody))
      expect(nothingKept).toMatchObject({
        body: "",
        reason: "a field holding a secret did not decode. a thing may exist"
      })
      const keptDecodes = failure(
        redacting({ body: JSON.stringify({ id: "t_1", secret: "" }) }),
        "a",
        response(200, secretBody)
      )
      expect(keptDecodes).toMatchObject({ reason: "a field holding a secret did not decode" })
    })
  })
})
