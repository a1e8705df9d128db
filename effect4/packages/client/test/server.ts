/**
 * A real HTTP server on loopback for the transport tests (`loopback`, `FetchTransport`, `NodeTransport`): it serves a
 * handler on a free port until the scope closes, and records what arrived.
 */
import * as Effect from "effect/Effect"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export interface Served {
  readonly url: string
  readonly server: Server
  /** How many requests arrived. */
  readonly requests: () => number
  /** The paths of the requests whose connection closed before their response was sent. */
  readonly aborted: Array<string>
  /** How many connections closed. */
  readonly closedSockets: () => number
  /** The request bodies, as text. */
  readonly bodies: Array<string>
}

/** Serves `handler` on a free port until the scope closes (its connections too). */
export const serve = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.callback<Served>((resume) => {
      let count = 0
      let sockets = 0
      const aborted: Array<string> = []
      const bodies: Array<string> = []
      const server = createServer((req, res) => {
        count++
        let body = ""
        req.on("data", (chunk) => (body += chunk))
        req.on("end", () => bodies.push(body))
        res.on("close", () => {
          if (!res.writableFinished) aborted.push(req.url ?? "")
        })
        handler(req, res)
      })
      server.on("connection", (socket) => socket.on("close", () => sockets++))
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(
          Effect.succeed({
            url: `http://127.0.0.1:${port}`,
            server,
            requests: () => count,
            aborted,
            closedSockets: () => sockets,
            bodies
          })
        )
      })
    }),
    ({ server }) => Effect.sync(() => (server.closeAllConnections(), server.close()))
  )

/** A port that was free a moment ago: a server was bound to it and closed, so a connection there is refused. */
export const refusedUrl = Effect.scoped(Effect.map(serve(() => {}), ({ url }) => url))
