#!/bin/sh
# calibrate.sh READINGS OUTPUT
# Multiplies every reading by the factor stored in cal.dat (looked up in the
# job's working directory). The bundled "failing" example never provides
# cal.dat, so this job fails on purpose with exit code 3.
set -eu

if [ "$#" -ne 2 ]; then
    echo "usage: calibrate.sh READINGS OUTPUT" >&2
    exit 2
fi
readings=$1
output=$2

echo "calibrate: reading $(wc -l < "$readings") values from $readings"

if [ ! -f cal.dat ]; then
    echo "ERROR: calibration file cal.dat is missing" >&2
    exit 3
fi

factor=$(head -n 1 cal.dat)
awk -v factor="$factor" '{ print $1 * factor }' "$readings" > "$output"
echo "calibrate: wrote $output (factor $factor)"
