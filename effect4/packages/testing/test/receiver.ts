/**
 * A webhook receiver for tests: a real HTTP server on loopback that records every delivery and answers as scripted
 * (a status, a delay, or dropping the connection). Ported from the Effect 3 line's `test/receiver.ts`.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"

export interface Received {
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export type Answer =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | "drop"

export interface Receiver {
  readonly url: string
  readonly received: Array<Received>
  /** Answers every next delivery this way (default 200). */
  answer: (request: Received) => Answer | Promise<Answer>
}

export const receiver: Effect.Effect<Receiver, never, Scope.Scope> = Effect.acquireRelease(
  Effect.callback<Receiver & { server: Http.Server }>((resume) => {
    const state: Receiver & { server: Http.Server } = {
      url: "",
      received: [],
      answer: () => ({ status: 200, body: "ok" }),
      server: undefined as unknown as Http.Server
    }
    state.server = Http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", async () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(request.headers)) {
          if (typeof value === "string") headers[name] = value
        }
        const received = { headers, body: Buffer.concat(chunks).toString("utf8") }
        state.received.push(received)
        const answer = await state.answer(received)
        if (answer === "drop") {
          request.socket.destroy()
          return
        }
        response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers })
        response.end(answer.body ?? "")
      })
    })
    state.server.listen(0, "127.0.0.1", () => {
      const address = state.server.address()
      ;(state as { url: string }).url = `http://127.0.0.1:${
        typeof address === "object" && address !== null ? address.port : 0
      }/hook`
      resume(Effect.succeed(state))
    })
  }),
  (state) =>
    Effect.callback<void>((resume) => {
      state.server.closeAllConnections()
      state.server.close(() => resume(Effect.void))
    })
)
