/**
 * What `effect-exa` exits with. Scripts can tell a missing event from a bad key from an outage without reading the
 * message.
 *
 * @since 0.1.0
 */

/**
 * Success.
 *
 * @since 0.1.0
 * @category codes
 */
export const ok = 0

/**
 * The command ran and its check failed: a signature that does not verify, a delivery the receiver refused.
 *
 * @since 0.1.0
 * @category codes
 */
export const failed = 1

/**
 * Bad input: an unknown command or option, a value that does not parse, a request the API calls invalid, an
 * unreadable checkpoint file.
 *
 * @since 0.1.0
 * @category codes
 */
export const usage = 2

/**
 * The event or webhook does not exist (or is past the API's retention).
 *
 * @since 0.1.0
 * @category codes
 */
export const notFound = 3

/**
 * No API key was given, or the API refused it.
 *
 * @since 0.1.0
 * @category codes
 */
export const unauthorized = 4

/**
 * The API kept answering 429 after the client's retries.
 *
 * @since 0.1.0
 * @category codes
 */
export const rateLimited = 5

/**
 * The API failed (5xx after retries) or sent something this version cannot read.
 *
 * @since 0.1.0
 * @category codes
 */
export const server = 6

/**
 * The API could not be reached: connection, DNS, TLS, timeout, or a redirect away from it.
 *
 * @since 0.1.0
 * @category codes
 */
export const network = 7

/**
 * A bug in effect-exa (please report it).
 *
 * @since 0.1.0
 * @category codes
 */
export const internal = 70

/**
 * Stopped by Ctrl-C or SIGTERM (`tail` and `listen` save their checkpoint first).
 *
 * @since 0.1.0
 * @category codes
 */
export const interrupted = 130
