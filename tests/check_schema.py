"""The editor schema agrees with the loader: shipped scenarios validate, bad ones do not."""
import glob
import json
import sys

import jsonschema

schema_path, scenarios_dir, bad_dir = sys.argv[1:4]
with open(schema_path) as f:
    schema = json.load(f)
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
failures = []
for path in sorted(glob.glob(scenarios_dir + "/*.json")):
    with open(path) as f:
        errors = list(validator.iter_errors(json.load(f)))
    if errors:
        failures.append(f"{path}: {errors[0].message}")
# Structural mistakes the schema can see (references to unknown names it cannot).
for name in ("unknown-key", "wrong-type", "out-of-range", "not-an-object", "event-unknown-error",
             "event-count-and-min"):
    with open(f"{bad_dir}/{name}.json") as f:
        if validator.is_valid(json.load(f)):
            failures.append(f"{bad_dir}/{name}.json: accepted by the schema")
for failure in failures:
    print(failure)
sys.exit(1 if failures else 0)
