/**
 * Walking a cursor-paginated list as a stream.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Errors from "../Errors.js"

type Position = { readonly _tag: "Next"; readonly cursor: string | undefined } | {
  readonly _tag: "Fault"
  readonly error: Errors.ServerFault
}

/**
 * How many empty pages in a row, each saying `hasMore`, a list may give before it is taken for a loop: a server
 * handing out fresh cursors to nothing would otherwise be followed forever.
 */
export const maxEmptyPages = 20

/**
 * Every item of a cursor-paginated list, page by page as the stream is pulled (one array a page: Effect 4's
 * `Stream.paginate` emits a batch per step). The server's cursors are checked: `hasMore` with no cursor, a cursor
 * already followed, or `maxEmptyPages` empty pages in a row end the stream with `ServerFault` after the page's items
 * (never a silent end, never an endless loop).
 */
export const pages = <P extends { readonly hasMore: boolean; readonly nextCursor: string | null }, A, E>(
  start: string | undefined,
  fetch: (cursor: string | undefined) => Effect.Effect<P, E>,
  items: (page: P) => ReadonlyArray<A>
): Stream.Stream<A, E | Errors.ServerFault> =>
  // Each run of the stream remembers its own cursors.
  Stream.suspend(() => {
    const followed = new Set<string>(start === undefined ? [] : [start])
    let empty = 0
    const fault = (reason: string): Option.Option<Position> =>
      Option.some({ _tag: "Fault", error: new Errors.ServerFault({ reason }) })
    return Stream.paginate<Position, A, E | Errors.ServerFault>(
      { _tag: "Next", cursor: start },
      (position) => {
        if (position._tag === "Fault") return Effect.fail(position.error)
        return Effect.map(fetch(position.cursor), (page): readonly [ReadonlyArray<A>, Option.Option<Position>] => {
          const batch = items(page)
          if (!page.hasMore) return [batch, Option.none()]
          empty = batch.length === 0 ? empty + 1 : 0
          if (empty >= maxEmptyPages) {
            return [batch, fault(`the server gave ${empty} empty pages in a row, each saying there is more`)]
          }
          const next = page.nextCursor
          if (next === null || next.length === 0) return [batch, fault("a page says hasMore but gives no nextCursor")]
          if (followed.has(next)) {
            return [
              batch,
              fault(`the server gave the cursor ${JSON.stringify(next.slice(0, 80))} again, which would page forever`)
            ]
          }
          followed.add(next)
          return [batch, Option.some({ _tag: "Next", cursor: next })]
        })
      }
    )
  })
