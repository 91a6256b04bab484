#!/bin/sh
# The README's main job. Until the migration demo lands, it walks a device's
# state to JSON and back.
set -e
build/examples/json-roundtrip
