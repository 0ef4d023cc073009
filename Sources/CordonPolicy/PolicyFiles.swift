// Reading policy files from disk: the one place CordonPolicy touches the filesystem, and
// only as the default `PolicyLoader.readFile` (tests hand in their own).
import CordonBase

/// Why a policy file could not be read, in strerror's words.
public struct PolicyFileError: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

public enum PolicyFiles {
    /// Policies are hand-written text; anything bigger is a wrong path, not a policy.
    public static let maxSize = 1 << 20

    @Sendable public static func read(_ path: String) -> Result<[UInt8], PolicyFileError> {
        do throws(SystemError) {
            return .success(try FileIO.readFile(path, limit: maxSize))
        } catch {
            switch error.errno {
            case .isDirectory: return .failure(PolicyFileError("is a directory"))
            case .fileTooLarge:
                return .failure(
                    PolicyFileError("larger than \(PolicyUnits.formatSize(UInt64(maxSize))); not a policy file"))
            default: return .failure(PolicyFileError(error.errno.description))
            }
        }
    }
}
