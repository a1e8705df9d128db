/**
 * The conformance suite (`conformance.ts`) over `NodeTransport` (undici). Each call builds its connection, and so its
 * own undici agent, closed when the call ends.
 */
import * as NodeTransport from "@effect-exa/client/NodeTransport"
import { suite } from "./conformance.js"

suite([["NodeTransport", NodeTransport.layer]])
