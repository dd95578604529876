"""Loading bid data: tidy tables, errors that name the column or row, no silent drops."""

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest

from privauction.audit import DroppedRowsWarning, cleaning_report, load_bids, load_usfs


@pytest.fixture
def raw():
    return pd.DataFrame({
        "sale": [1, 1, 2, 2, 2, 3, 3],
        "amount": [3.0, 2.5, 1.0, 4.0, 2.0, 5.0, 6.0],
        "volume": [10.0, 10.0, 20.0, 20.0, 20.0, 30.0, 30.0],
    })


def test_dataframe_csv_and_parquet_give_the_same_table(raw, tmp_path):
    csv, parquet = tmp_path / "bids.csv", tmp_path / "bids.parquet"
    raw.to_csv(csv, index=False)
    raw.to_parquet(parquet, index=False)
    tables = [load_bids(s, auction="sale", bid="amount", covariates=["volume"])
              for s in (raw, csv, str(parquet))]
    for t in tables:
        assert list(t.columns) == ["sale", "amount", "volume"]
        pd.testing.assert_frame_equal(t.reset_index(drop=True),
                                      tables[0].reset_index(drop=True))
    assert cleaning_report(tables[0])["rows"].sum() == 0


def test_missing_column_is_named(raw):
    with pytest.raises(ValueError, match="`bid` column 'price' is not in the table"):
        load_bids(raw, auction="sale", bid="price")
    with pytest.raises(ValueError, match="`covariates` column 'year' is not in the table"):
        load_bids(raw, auction="sale", bid="amount", covariates=["year"])


@pytest.mark.parametrize("bad, must", [(-1.0, "must be positive"), (0.0, "must be positive"),
                                       (np.nan, "must be finite"), (np.inf, "must be finite")])
def test_bad_bid_names_column_and_row(raw, bad, must):
    raw.loc[3, "amount"] = bad
    with pytest.raises(ValueError, match=rf"`bid` column 'amount' {must}; got .* in row 3 "):
        load_bids(raw, auction="sale", bid="amount")


def test_single_bid_auction_names_auction_and_row(raw):
    raw = raw.drop(index=0)
    with pytest.raises(ValueError, match="auction 1 has a single bid \\(row 1\\)"):
        load_bids(raw, auction="sale", bid="amount")


def test_drop_invalid_counts_every_rule_and_warns(raw):
    raw.loc[0, "amount"] = -2.0          # leaves auction 1 with a single bid
    raw.loc[3, "amount"] = np.nan
    raw.loc[5, "volume"] = np.nan        # leaves auction 3 with a single bid
    with pytest.warns(DroppedRowsWarning, match="dropped 5 rows"):
        table = load_bids(raw, auction="sale", bid="amount", covariates=["volume"],
                          drop_invalid=True)
    report = cleaning_report(table).set_index("rule")
    assert report.loc["non-finite bid", "rows"] == 1
    assert report.loc["non-positive bid", "rows"] == 1
    assert report.loc["missing covariate", "rows"] == 1
    assert report.loc["single-bid auction", "rows"] == 2
    assert report["rows"].sum() + len(table) == len(raw)
    assert sorted(table.index) == [2, 4]


def test_a_file_that_is_not_a_table(tmp_path):
    binary = tmp_path / "bids.parquet"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="is not a table"):
        load_bids(binary, auction="a", bid="b")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="is not a table"):
        load_bids(empty, auction="a", bid="b")
    one_column = tmp_path / "notes.csv"
    one_column.write_text("hello\nworld\n")
    with pytest.raises(ValueError, match="is not a table of bids"):
        load_bids(one_column, auction="a", bid="b")
    with pytest.raises(FileNotFoundError, match="not found"):
        load_bids(tmp_path / "absent.csv", auction="a", bid="b")
    with pytest.raises(TypeError, match="`source` must be a path"):
        load_bids(42, auction="a", bid="b")


def test_non_numeric_bid_column_is_a_type_error(raw):
    raw["amount"] = raw["amount"].astype(str) + " USD"
    with pytest.raises(TypeError, match="`bid` column 'amount' must be numeric"):
        load_bids(raw, auction="sale", bid="amount")


def test_one_text_cell_in_the_bids_is_named_with_its_row(raw, tmp_path):
    # a CSV cell such as 'abc' turns the whole column into text; the error names that cell and
    # its row, not the column's first value (a fine number)
    raw["amount"] = raw["amount"].astype(object)
    raw.loc[4, "amount"] = "abc"
    path = tmp_path / "bids.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(TypeError, match=r"`bid` column 'amount' must be numeric; got dtype .* "
                                        r"\('abc' in row 4\)"):
        load_bids(path, auction="sale", bid="amount")


@pytest.mark.skipif(importlib.util.find_spec("simple_fpa") is None, reason="needs simple-fpa")
def test_usfs_cleaning_matches_an_independent_count():
    with pytest.warns(DroppedRowsWarning, match="bid/adv_value > max_ratio"):
        bids = load_usfs()
    from privauction.audit.loading import _usfs_path
    raw = pd.read_csv(_usfs_path(), index_col=0)
    ratio = raw["actual_bid"] / raw["adv_value"]
    bad = raw.groupby("auctionid")["actual_bid"].transform(
        lambda s: (ratio[s.index] > 20).any()).astype(bool)
    assert len(bids) == int((~bad).sum())
    report = cleaning_report(bids).set_index("rule")
    assert report.loc["bid/adv_value > max_ratio", "rows"] == int(bad.sum())
    assert report["rows"].sum() + len(bids) == len(raw)
    assert bids.groupby("auctionid").size().min() >= 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedRowsWarning)
        assert len(load_usfs(max_ratio=np.inf)) == len(raw)
