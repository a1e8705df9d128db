/**
 * The emulator's webhooks: the management endpoints (`/websets/v0/webhooks…`) with the real API's validation, 404s,
 * secret-only-on-create and pagination, and real deliveries: each added event is POSTed, signed, over HTTP to every
 * active webhook subscribed to its type; every try is recorded as an attempt, and failed ones are retried on a
 * schedule (on the Effect clock, so `TestClock` drives it).
 *
 * Where Exa documents nothing (the retry schedule, the timeout, what counts as success beyond "a 3xx fails", the
 * status recorded when no response came), the choices are the emulator's and are documented in `docs/webhooks.md`.
 *
 * @internal
 */
import type * as WebhooksClient from "@effect-exa/client/WebhooksClient"
import type * as Event from "@effect-exa/schema/Event"
import * as EventType from "@effect-exa/schema/EventType"
import type * as WebhookAttempt from "@effect-exa/schema/WebhookAttempt"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Semaphore from "effect/Semaphore"
import * as Webhooks from "../Webhooks.js"
import * as Cursor from "./cursor.js"

/** A webhook as the emulator stores it: the JSON the API returns, with the secret it never returns again. */
export interface StoredWebhook {
  readonly id: string
  readonly object: "webhook"
  readonly status: "active" | "inactive"
  readonly events: ReadonlyArray<string>
  readonly url: string
  readonly metadata: Readonly<Record<string, string>>
  readonly createdAt: string
  readonly updatedAt: string
  readonly secret: string
}

/** How the emulator delivers. */
export interface DeliveryOptions {
  /**
   * When to try again after a failed attempt, stepped with the attempt (its JSON) as input; when it is done, the
   * event is given up for that webhook. Default: 5 retries, 30 seconds apart and doubling (Exa documents no schedule).
   */
  readonly retry?: Schedule.Schedule<unknown, WebhookAttempt.WebhookAttemptEncoded> | undefined
  /** How long a receiver has to answer before the attempt fails. Default 10 seconds (on the Effect clock). */
  readonly timeout?: Duration.Input | undefined
}

/** The default retry schedule of deliveries. */
export const defaultRetry: Schedule.Schedule<unknown, unknown> = Schedule.max([
  Schedule.exponential("30 seconds", 2),
  Schedule.recurs(5)
])

/** The default delivery timeout. */
export const defaultDeliveryTimeout: Duration.Duration = Duration.seconds(10)

// The most of a receiver's answer body kept in an attempt.
const maxRecordedBody = 10_000

/** What the emulator answers: a status and a JSON (or raw) body. */
export type Answer = { readonly status: number; readonly body: unknown }

interface Job {
  readonly webhookId: string
  readonly event: Event.Encoded
  readonly attempt: number
  readonly due: number
  // The job's own run of the retry schedule (Effect 4 steps a schedule through a stateful step function).
  readonly step: (now: number, input: unknown) => Effect.Effect<readonly [unknown, Duration.Duration], unknown>
}

const encodeCursor = (offset: number): string => Cursor.encode("wcur_", offset)
const decodeCursor = (cursor: string): number | undefined => Cursor.decode("wcur_", cursor)

const iso = (millis: number): string => DateTime.formatIso(DateTime.makeUnsafe(millis))

const newSecret = (): string => {
  const bytes = new Uint8Array(24)
  globalThis.crypto.getRandomValues(bytes)
  return `whsec_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

class BadRequest {
  constructor(readonly message: string) {}
}

const checkEvents = (value: unknown): Array<string> => {
  if (!Array.isArray(value)) throw new BadRequest("events must be an array of event types")
  if (value.length < 1 || value.length > EventType.all.length) {
    throw new BadRequest(`events must hold 1 to ${EventType.all.length} event types`)
  }
  for (const type of value) {
    if (typeof type !== "string" || !EventType.isEventType(type)) {
      throw new BadRequest(`Invalid event type: ${String(type)}`)
    }
  }
  return value as Array<string>
}

const checkUrl = (value: unknown): string => {
  if (typeof value !== "string") throw new BadRequest("url must be a string")
  try {
    new URL(value)
  } catch {
    throw new BadRequest("url must be a valid URI")
  }
  return value
}

const checkMetadata = (value: unknown): Record<string, string> => {
  if (!isRecord(value)) throw new BadRequest("metadata must be an object of strings")
  for (const key of Object.keys(value)) {
    const v = value[key]
    if (typeof v !== "string") throw new BadRequest(`metadata.${key} must be a string`)
    if (v.length > 1000) throw new BadRequest(`metadata.${key} must be at most 1000 characters`)
  }
  return value as Record<string, string>
}

const checkKeys = (body: Record<string, unknown>): void => {
  for (const key of Object.keys(body)) {
    if (key !== "events" && key !== "url" && key !== "metadata") {
      throw new BadRequest(`Unrecognized key(s) in object: '${key}'`)
    }
  }
}

const publicJson = (webhook: StoredWebhook, secret: string | null) => {
  const { secret: _, ...rest } = webhook
  return { ...rest, secret }
}

const paginate = <A>(
  all: ReadonlyArray<A>,
  params: URLSearchParams
): Answer | { readonly page: Record<string, unknown> } => {
  const limitText = params.get("limit")
  const limit = limitText === null ? 25 : Number(limitText)
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    return { status: 400, body: "limit must be a number from 1 to 200" }
  }
  const cursorText = params.get("cursor")
  const offset = cursorText === null ? 0 : decodeCursor(cursorText)
  if (offset === undefined) return { status: 400, body: "Invalid cursor" }
  const data = all.slice(offset, offset + limit)
  const hasMore = offset + limit < all.length
  return { page: { data, hasMore, nextCursor: hasMore ? encodeCursor(offset + limit) : null } }
}

/** A request routed to an endpoint: its path parameters, decoded, and what a handler reads. */
export interface Routed {
  readonly params: Readonly<Record<string, string>>
  readonly url: URL
  readonly body: string
  readonly now: number
}

/** The webhooks part of an emulator. Its deliveries run in the scope it is built in, and stop when it closes. */
export const make = (options: DeliveryOptions = {}) =>
  Effect.gen(function*() {
    const retry = (options.retry ?? defaultRetry) as Schedule.Schedule<unknown, unknown>
    const timeout = Duration.fromInputUnsafe(options.timeout ?? defaultDeliveryTimeout)
    // Deliveries run in the caller's scope and stop when it closes: the caller owns their lifetime.
    const scope = yield* Effect.scope
    let webhooks: Array<StoredWebhook> = []
    const attempts: Array<WebhookAttempt.WebhookAttemptEncoded> = []
    const down = new Map<string, number>()
    let jobs: Array<Job> = []
    let webhookCount = 0
    let attemptCount = 0
    // One pass over due jobs at a time: the background loop and `flush` take turns, so a job never runs twice.
    const turn = yield* Semaphore.make(1)
    let wake = yield* Deferred.make<void>()

    const find = (id: string) => webhooks.find((w) => w.id === id)

    // ---------------------------------------------------------------------------------------------------------
    // The management endpoints
    // ---------------------------------------------------------------------------------------------------------

    const create = (body: unknown, now: number): Answer => {
      if (!isRecord(body)) throw new BadRequest("the body must be a JSON object")
      checkKeys(body)
      const events = checkEvents(body.events)
      const url = checkUrl(body.url)
      const metadata = body.metadata === undefined ? {} : checkMetadata(body.metadata)
      webhookCount++
      const at = iso(now)
      const webhook: StoredWebhook = {
        id: `webhook_${String(webhookCount).padStart(8, "0")}`,
        object: "webhook",
        status: "active",
        events: [...events],
        url,
        metadata: { ...metadata },
        createdAt: at,
        updatedAt: at,
        secret: newSecret()
      }
      webhooks = [...webhooks, webhook]
      return { status: 200, body: publicJson(webhook, webhook.secret) }
    }

    const update = (webhook: StoredWebhook, body: unknown, now: number): Answer => {
      if (!isRecord(body)) throw new BadRequest("the body must be a JSON object")
      checkKeys(body)
      const next: StoredWebhook = {
        ...webhook,
        ...(body.events === undefined ? {} : { events: [...checkEvents(body.events)] }),
        ...(body.url === undefined ? {} : { url: checkUrl(body.url) }),
        // Replaced, not merged: the usual reading of a PATCH with an object (Exa does not say).
        ...(body.metadata === undefined ? {} : { metadata: { ...checkMetadata(body.metadata) } }),
        updatedAt: iso(now)
      }
      webhooks = webhooks.map((w) => (w.id === webhook.id ? next : w))
      return { status: 200, body: publicJson(next, null) }
    }

    const list = (params: URLSearchParams): Answer => {
      for (const key of params.keys()) {
        if (key !== "cursor" && key !== "limit") return { status: 400, body: `Unrecognized key(s) in object: '${key}'` }
      }
      // Newest first (Exa does not document an order): by creation time, then id.
      const ordered = [...webhooks].reverse().map((w) => publicJson(w, null))
      const result = paginate(ordered, params)
      return "page" in result ? { status: 200, body: result.page } : result
    }

    const listAttempts = (webhookId: string, params: URLSearchParams): Answer => {
      for (const key of params.keys()) {
        if (!["cursor", "limit", "eventType", "successful"].includes(key)) {
          return { status: 400, body: `Unrecognized key(s) in object: '${key}'` }
        }
      }
      const eventType = params.get("eventType")
      if (eventType !== null && !EventType.isEventType(eventType)) {
        return { status: 400, body: `Invalid event type: ${eventType}` }
      }
      const successfulText = params.get("successful")
      // `True`/`False` as exa-py's sync client sends them, too.
      const successful = successfulText === null ? undefined : successfulText.toLowerCase()
      if (successful !== undefined && successful !== "true" && successful !== "false") {
        return { status: 400, body: "successful must be true or false" }
      }
      // Newest first, as the API documents.
      const matching = attempts.filter((a) =>
        a.webhookId === webhookId && (eventType === null || a.eventType === eventType) &&
        (successful === undefined || a.successful === (successful === "true"))
      ).reverse()
      const result = paginate(matching, params)
      return "page" in result ? { status: 200, body: result.page } : result
    }

    const parseBody = (body: string): unknown => {
      try {
        return JSON.parse(body)
      } catch {
        throw new BadRequest("the body is not valid JSON")
      }
    }
    // A webhook's endpoint: 404 when there is no such webhook.
    const withWebhook = (id: string, answer: (webhook: StoredWebhook) => Answer): Answer => {
      const webhook = find(id)
      return webhook === undefined ? { status: 404, body: "Webhook not found" } : answer(webhook)
    }
    const answering = (answer: () => Answer): Answer => {
      try {
        return answer()
      } catch (error) {
        if (error instanceof BadRequest) return { status: 400, body: error.message }
        throw error
      }
    }

    /** The answer of each webhooks endpoint (`WebhooksClient.endpoints`), by its name in that table. */
    const handlers: { readonly [K in keyof typeof WebhooksClient.endpoints]: (request: Routed) => Answer } = {
      createWebhook: (request) => answering(() => create(parseBody(request.body), request.now)),
      listWebhooks: (request) => answering(() => list(request.url.searchParams)),
      getWebhook: (request) =>
        withWebhook(request.params.id!, (webhook) => ({ status: 200, body: publicJson(webhook, null) })),
      updateWebhook: (request) =>
        withWebhook(request.params.id!, (webhook) =>
          answering(() => update(webhook, parseBody(request.body), request.now))),
      deleteWebhook: (request) =>
        withWebhook(request.params.id!, (webhook) => {
          webhooks = webhooks.filter((w) =>
            w.id !== webhook.id
          )
          jobs = jobs.filter((job) => job.webhookId !== webhook.id)
          return { status: 200, body: publicJson(webhook, null) }
        }),
      listAttempts: (request) =>
        withWebhook(
          request.params.id!,
          (webhook) => answering(() => listAttempts(webhook.id, request.url.searchParams))
        )
    }

    // ---------------------------------------------------------------------------------------------------------
    // Deliveries
    // ---------------------------------------------------------------------------------------------------------

    const signal = Effect.suspend(() => Deferred.succeed(wake, undefined))

    /** Queues a delivery of each event to every active webhook subscribed to its type. */
    const onEvents = (events: ReadonlyArray<Event.Encoded>): Effect.Effect<void> =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        for (const event of events) {
          for (const webhook of webhooks) {
            if (webhook.status !== "active" || !webhook.events.includes(event.type)) continue
            const step = yield* Schedule.toStep(retry)
            jobs.push({ webhookId: webhook.id, event, attempt: 1, due: now, step })
          }
        }
        yield* signal
      })

    // One attempt: POST the event, signed, and record what the receiver answered (or that none answered).
    const attempt = (job: Job, webhook: StoredWebhook) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const body = JSON.stringify(job.event)
        const downUntil = down.get(webhook.id)
        let outcome: { status: number; headers: Record<string, string>; body: string | null }
        if (downUntil !== undefined && now < downUntil) {
          outcome = { status: 0, headers: {}, body: null }
        } else {
          const signature = yield* Webhooks.sign(body, { secret: webhook.secret, timestamp: Math.floor(now / 1000) })
          outcome = yield* Effect.tryPromise((abort: AbortSignal) =>
            fetch(webhook.url, {
              method: "POST",
              headers: { "content-type": "application/json", "exa-signature": signature },
              body,
              // Exa does not follow redirects: a 3xx is a failed delivery.
              redirect: "manual",
              signal: abort
            }).then(async (response) => {
              const headers: Record<string, string> = {}
              response.headers.forEach((value, name) => {
                headers[name] = value
              })
              const text = await response.text()
              return { status: response.status, headers, body: text.slice(0, maxRecordedBody) }
            })
          ).pipe(
            Effect.timeout(timeout),
            Effect.orElseSucceed(() => ({ status: 0, headers: {}, body: null }))
          )
        }
        attemptCount++
        const record: WebhookAttempt.WebhookAttemptEncoded = {
          id: `wattempt_${String(attemptCount).padStart(8, "0")}`,
          object: "webhook_attempt",
          eventId: job.event.id,
          eventType: job.event.type as EventType.EventType,
          webhookId: webhook.id,
          url: webhook.url,
          successful: outcome.status >= 200 && outcome.status < 300,
          responseHeaders: outcome.headers,
          responseBody: outcome.body,
          responseStatusCode: outcome.status,
          attempt: job.attempt,
          attemptedAt: iso(now)
        }
        attempts.push(record)
        if (record.successful) return
        const stepped = yield* Effect.exit(job.step(now, record))
        // The schedule is done (or failed): the event is given up for that webhook.
        if (Exit.isFailure(stepped)) return
        jobs.push({ ...job, attempt: job.attempt + 1, due: now + Duration.toMillis(stepped.value[1]) })
      })

    // Runs every job that is due, and any that become due meanwhile.
    const runDue: Effect.Effect<void> = Semaphore.withPermits(
      turn,
      1,
      Effect.gen(function*() {
        while (true) {
          const now = yield* Clock.currentTimeMillis
          const due = jobs.filter((job) => job.due <= now)
          if (due.length === 0) return
          jobs = jobs.filter((job) => job.due > now)
          yield* Effect.forEach(due, (job) => {
            const webhook = find(job.webhookId)
            // A webhook deleted or made inactive since: the event is no longer delivered to it.
            return webhook === undefined || webhook.status !== "active" ? Effect.void : attempt(job, webhook)
          }, { concurrency: "unbounded", discard: true })
        }
      })
    )

    // The background loop: runs due jobs, then sleeps until the next one is due or a new one arrives.
    const loop: Effect.Effect<never> = Effect.forever(Effect.gen(function*() {
      yield* runDue
      const now = yield* Clock.currentTimeMillis
      const next = jobs.reduce((min, job) => Math.min(min, job.due), Infinity)
      const waiting = wake
      const sleep = next === Infinity ? Effect.never : Effect.sleep(Duration.millis(Math.max(0, next - now)))
      yield* Effect.raceFirst(sleep, Deferred.await(waiting))
      if (yield* Deferred.isDone(waiting)) wake = yield* Deferred.make<void>()
    }))
    yield* Effect.forkIn(loop, scope)

    return {
      handlers,
      onEvents,
      /** Runs every delivery that is due now, and waits for those under way. */
      flush: runDue,
      webhooks: Effect.sync((): ReadonlyArray<StoredWebhook> => webhooks),
      deliveries: Effect.sync((): ReadonlyArray<WebhookAttempt.WebhookAttemptEncoded> => [...attempts]),
      setStatus: (id: string, status: "active" | "inactive") =>
        Effect.sync(() => {
          webhooks = webhooks.map((w) => (w.id === id ? { ...w, status } : w))
        }),
      receiverDown: (webhookId: string, duration: Duration.Input) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          down.set(webhookId, now + Duration.toMillis(duration))
        }),
      secretOf: (id: string): Redacted.Redacted<string> | undefined => {
        const webhook = find(id)
        return webhook === undefined ? undefined : Redacted.make(webhook.secret)
      }
    }
  })

/** The webhooks part of an emulator. */
export type WebhookApi = Effect.Success<ReturnType<typeof make>>
