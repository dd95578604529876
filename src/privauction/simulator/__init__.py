"""Simulators: vectorised batch Monte Carlo, the Bayesian observer, the simpy market."""

from .batch import Outcomes, draw_values, simulate
from .observer import Observer
from .world import (
    Market,
    MarketResult,
    MarketRunError,
    MarkovRefresh,
    run_seasons,
    season_outcomes,
    seasons,
)

__all__ = [
    "Market",
    "MarketResult",
    "MarketRunError",
    "MarkovRefresh",
    "Observer",
    "Outcomes",
    "draw_values",
    "run_seasons",
    "season_outcomes",
    "seasons",
    "simulate",
]
