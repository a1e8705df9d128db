/**
 * A throwaway HTTP server on loopback for the transport tests, closed with the scope (its connections too), and a
 * port that nothing listens on.
 */
import * as Effect from "effect/Effect"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"

export interface Loopback {
  readonly url: string
  readonly port: number
  /** How many requests arrived. */
  readonly requests: () => number
}

const listen = (server: Server, port: number) =>
  Effect.async<number>((resume) => {
    server.listen(port, "127.0.0.1", () => {
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/** Serves `handler` on `port` (0: any free one) until the scope closes. */
export const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void, port = 0) =>
  Effect.acquireRelease(
    Effect.suspend(() => {
      let count = 0
      const server = createServer((req, res) => {
        count++
        handler(req, res)
      })
      return Effect.map(listen(server, port), (bound): Loopback & { readonly server: Server } => ({
        url: `http://127.0.0.1:${bound}`,
        port: bound,
        requests: () => count,
        server
      }))
    }),
    ({ server }) => Effect.sync(() => (server.closeAllConnections(), server.close()))
  )

/** A port that was free a moment ago: a server was bound to it and closed, so a connection there is refused. */
export const refusedPort: Effect.Effect<number> = Effect.scoped(Effect.map(serve(() => {}), ({ port }) => port))
