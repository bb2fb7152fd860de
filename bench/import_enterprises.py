"""Import N enterprises from one .xlsx through the whole pipeline and compare with reading it alone.

    python bench/import_enterprises.py --rows 100000      (DATABASE_URL picks the database; default SQLite)

Prints the figures; exits 1 when the whole import takes longer than --target seconds (default 15).
"""

import argparse
import datetime as dt
import sys
import time

from _setup import django_ready, machine


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--target", type=float, default=15.0)
    args = ap.parse_args()
    db = django_ready("import")

    import numpy as np
    from python_calamine import CalamineWorkbook

    from parkos.core.imports import import_file
    from parkos.core.models import Department, Park, Role, User
    from parkos.demo import make_uscc
    from parkos.enterprises.imports import ENTERPRISE_SCHEMA
    from parkos.enterprises.models import Enterprise

    parks = [Park.objects.create(code=f"P{i}", name=f"片区{i}") for i in range(6)]
    dept = Department.objects.create(code="JFJ", name="经济发展局")
    user = User.objects.create(username="bench", role=Role.SYSTEM_ADMIN, is_superuser=True)
    rng = np.random.default_rng(1)
    serials = rng.choice(np.arange(10_000_000, 99_999_999), size=args.rows, replace=False)
    records = (
        {
            "uscc": make_uscc("430121", int(serials[i])),
            "name": f"长沙基准测试{i:06d}机械有限公司",
            "former_names": "",
            "legal_representative": "王伟",
            "registered_capital": 1000 + i % 5000,
            "established_on": dt.date(2000 + i % 25, 1 + i % 12, 1 + i % 28),
            "industry_code": "3514",
            "park": parks[i % 6].name,
            "address": "长沙经济技术开发区东六路1号",
            "is_above_scale": i % 4 == 0,
            "is_high_tech": i % 7 == 0,
            "srdi_level": "",
            "top500_kind": "",
            "is_foreign_funded": False,
            "is_listing_reserve": False,
            "is_headquarters": False,
            "status": "operating",
            "tags": "工程机械",
            "owner": dept.name,
        }
        for i in range(args.rows)
    )
    from django.conf import settings

    path = settings.DATA_DIR / "enterprises.xlsx"
    t0 = time.perf_counter()
    ENTERPRISE_SCHEMA.write(path, records)
    t_write = time.perf_counter() - t0

    t0 = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    t_read = time.perf_counter() - t0

    t0 = time.perf_counter()
    report = import_file(kind="enterprises", source=path, user=user)
    t_import = time.perf_counter() - t0
    assert report.ok, report.errors[:5]
    assert Enterprise.objects.count() == args.rows

    t0 = time.perf_counter()
    again = import_file(kind="enterprises", source=path, user=user)
    t_again = time.perf_counter() - t0

    ok = t_import <= args.target
    print(f"database: {db}; machine: {machine()}")
    print(f"rows: {args.rows}; file: {path.stat().st_size / 1e6:.1f} MB (written in {t_write:.2f}s)")
    print(f"python-calamine read alone: {t_read:.2f}s")
    print(
        f"whole import (read, validate, write {report.created} rows + history, one transaction): {t_import:.2f}s"
    )
    print(f"ratio import / read alone: {t_import / t_read:.1f}x")
    print(f"re-import of the same file (nothing changes, {again.updated} updated): {t_again:.2f}s")
    print(f"target: whole import <= {args.target:.0f}s: {'MET' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
