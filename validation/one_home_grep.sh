#!/bin/sh
# One definition per closed form (issue 10): each pattern must match exactly one line in src/.
cd "$(dirname "$0")/.." || exit 1
for pat in "def spa_privacy_loss" "def spa_posterior_kl" "def reserve_spa_conditional_mi" \
    "def k_price_privacy_loss" "def conditional_second_mean" "def menu_entropy" \
    "digamma(n) + np.euler_gamma" "xlogy(x, x)" "xlogy(safe, safe)" "xlogy(w, w)" "xlogy(m, m)" \
    "range(1, n_bidders)"; do
  echo "== $pat"
  grep -rn --include=*.py -F "$pat" src/ || echo "   (none)"
done
