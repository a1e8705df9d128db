/**
 * A round-robin HTTP proxy on loopback, for the webhook replica run: each request goes to the next receiver in
 * turn, body and headers as they came; a receiver that cannot be reached answers 502. Node only.
 */
import * as Http from "node:http"

/** One answer the proxy passed on: its status, the ms it took, when it came (`Date.now()`) and which target gave it. */
export interface Answer {
  readonly status: number
  readonly ms: number
  readonly at: number
  readonly target: string | undefined
}

/** A running proxy: its URL, its targets, the answers it passed on, and how to stop it. */
export interface Proxy {
  readonly url: string
  readonly setTargets: (targets: ReadonlyArray<string>) => void
  readonly answers: () => ReadonlyArray<Answer>
  readonly close: () => Promise<void>
}

/** Starts a proxy in front of `targets` (base URLs), each request to the next one in turn (502 while there are none). */
export const start = (initial: ReadonlyArray<string>): Promise<Proxy> => {
  let next = 0
  let targets = initial
  const answers: Array<Answer> = []
  const server = Http.createServer((request, response) => {
    const started = performance.now()
    const target = targets.length === 0 ? undefined : new URL(request.url ?? "/", targets[next++ % targets.length])
    response.on("finish", () =>
      answers.push({
        status: response.statusCode,
        ms: performance.now() - started,
        at: Date.now(),
        target: target?.origin
      }))
    if (target === undefined) {
      request.resume()
      response.writeHead(502)
      response.end()
      return
    }
    const upstream = Http.request(target, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    })
    upstream.on("error", () => {
      if (!response.headersSent) response.writeHead(502)
      response.end()
    })
    response.on("close", () => upstream.destroy())
    request.pipe(upstream)
  })
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        setTargets: (list) => {
          targets = list
        },
        answers: () => answers,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
}
