// SHA-256 for the hash chain and the cut-command marker, through CordonPolicy's `SHA256` (one
// SHA-256 in the project, libcrypto underneath). Callers here go through `sha256Hex` so the
// chain's hot path has one place to change.
import CordonPolicy

@inline(__always)
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hex(bytes)
}
