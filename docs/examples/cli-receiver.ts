// The receiver docs/cli.md suggests for `effect-exa listen`: a whole program (docs/test/cli-receiver.test.ts runs
// it as a process and delivers to it).
// #region cli-receiver
import { WebhookReceiver } from "@effect-exa/client"
import { Config, Console, Effect, Layer } from "effect"
import { createServer } from "node:http"

// EXA_WEBHOOK_SECRET: the secret `effect-exa listen` printed (or the one you gave it with --secret).
const main = Effect.gen(function*() {
  const secret = yield* Config.redacted("EXA_WEBHOOK_SECRET")
  const port = yield* Config.integer("PORT").pipe(Config.withDefault(3000))
  const { handler } = WebhookReceiver.webHandler(
    { secret, handle: (event) => Console.log(`received ${event.type} ${event.id}`) },
    Layer.empty
  )
  // Node's http module, adapted to the web handler (Request in, Response out).
  const server = createServer(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : []))
    const request = new Request(`http://localhost${req.url}`, { method: req.method ?? "POST", headers, body: Buffer.concat(chunks) })
    const response = await handler(request)
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()))
  })
  // Listening once the port is bound (a port in use fails here, with its reason; PORT=0 takes a free one).
  const bound = yield* Effect.async<number, Error>((resume) => {
    server.once("error", (error) => resume(Effect.fail(error)))
    server.listen(port, "127.0.0.1", () => {
      const address = server.address()
      resume(Effect.succeed(typeof address === "object" && address !== null ? address.port : port))
    })
  })
  yield* Console.log(`listening on http://localhost:${bound}/webhook`)
})

Effect.runPromise(main).catch((error) => {
  console.error(`${error}`)
  process.exitCode = 1
})
// #endregion cli-receiver
