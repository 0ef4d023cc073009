// Validating traces against docs/trace.schema.json with python3's jsonschema (installed by
// .ci/run): the audit tests validate recorded traces, the end-to-end tests the traces a real
// monitored `cordon run` writes.

public enum TraceSchema {
    public static let path = Repository.path("docs/trace.schema.json")

    /// `python3 -c SCRIPT SCHEMA TRACE`: prints `TRACE:LINE: message` per violation, exits 1
    /// when there is any.
    public static let validatorScript = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
        bad = 0
        for n, line in enumerate(open(sys.argv[2]), 1):
            for e in v.iter_errors(json.loads(line)):
                print(f"{sys.argv[2]}:{n}: {e.message}")
                bad += 1
        sys.exit(1 if bad else 0)
        """

    /// The arguments that validate `trace`: run them with `/usr/bin/env`.
    public static func validatorArguments(trace: String) -> [String] {
        ["python3", "-c", validatorScript, path, trace]
    }
}
