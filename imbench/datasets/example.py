"""A realistic example table for ``imbench compare``: card transactions with a rare fraud label.

``python -m imbench.datasets.example transactions.csv`` writes 4,000 rows (about 1:38 fraud) with an
ID column, a date column, string categoricals, missing ages and a yes/no target.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd


def make_transactions(n: int = 4000, seed: int = 0) -> pd.DataFrame:
    """Transactions whose fraud odds depend on amount, channel, age and country."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "customer_id": np.arange(100000, 100000 + n),
            "amount": rng.lognormal(3, 1, n).round(2),
            "age": rng.integers(18, 90, n).astype(float),
            "country": rng.choice(["DE", "FR", "UK", "US"], n),
            "channel": rng.choice(["web", "app", "store"], n),
            "signup": pd.date_range("2024-01-01", periods=n, freq="h").strftime("%Y-%m-%d %H:%M"),
        }
    )
    df.loc[rng.random(n) < 0.05, "age"] = np.nan
    logit = (
        -9
        + 1.5 * np.log(df["amount"])
        + 2.0 * (df["channel"] == "web")
        - 0.03 * df["age"].fillna(50)
        + 1.0 * (df["country"] == "US")
    )
    df["is_fraud"] = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    return df


def main(argv: list[str] | None = None) -> None:
    """Write the example CSV to the path given (default transactions.csv)."""
    args = sys.argv[1:] if argv is None else argv
    path = args[0] if args else "transactions.csv"
    df = make_transactions()
    df.to_csv(path, index=False)
    counts = df["is_fraud"].value_counts()
    print(f"wrote {path}: {len(df)} rows, is_fraud: {counts.get('no', 0)} no / {counts.get('yes', 0)} yes")


if __name__ == "__main__":
    main()
