/**
 * The benchmark server, run in its own process: answers `GET /websets/v0/events/{id}` with one fixed event, as
 * cheaply as possible, so that what is measured is the client.
 */
import { createServer } from "node:http"
import { samples } from "./samples.js"

const size = process.argv[2] ?? "medium"
const body = Buffer.from(samples.find((s) => s.name === size)!.text)
const server = createServer((request, response) => {
  request.resume()
  response.writeHead(200, {
    "content-type": "application/json",
    "content-length": body.length,
    "x-request-id": "req_bench"
  })
  response.end(body)
})
server.keepAliveTimeout = 60_000
server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  process.send?.(typeof address === "object" && address !== null ? address.port : 0)
})
process.on("disconnect", () => process.exit(0))
