"""Two-group, two-period DiD estimators with their influence functions (Sant'Anna & Zhao 2020).

Each function estimates one ATT(g,t) from the units (panel) or rows (repeated cross sections) of
the treated cohort ``d == 1`` and its comparison group ``d == 0``, and returns the estimate with
its influence function (one value per unit or row, scaled so that ``mean(if**2) / n`` is the
variance of the estimate). They follow R ``DRDID`` (``drdid_panel``: the improved, locally
efficient doubly robust estimator; ``std_ipw_did_panel``: normalised Hájek weights;
``reg_did_panel``: outcome regression; and the ``*_rc`` versions), without sampling weights.

``x`` is the design matrix including the intercept column. Raises :class:`CellError` when a cell
cannot be estimated (overlap violated, singular design), as R ``did`` sets that cell to NA.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
PanelEstimator = Callable[[Array, Array, Array], tuple[float, Array]]
RcEstimator = Callable[[Array, Array, Array, Array], tuple[float, Array]]

_PS_CAP = 1 - 1e-6
_TRIM_LEVEL = 0.995
_EPS = float(np.finfo(float).eps)


class CellError(ValueError):
    """One ATT(g,t) cell cannot be estimated (reported as missing, like R's NA)."""


# Products with the n rows go through einsum, not BLAS: with k (covariates + 1) small, BLAS
# gains nothing, and its threads cost dearly when the cores are busy (a 27-cell panel took 100×
# longer on a loaded 2-core machine).
def _xv(x: Array, v: Array) -> Array:
    """``x @ v`` for an n × k design and a k-vector."""
    result: Array = np.einsum("ij,j->i", x, v)
    return result


def _xty(x: Array, y: Array) -> Array:
    """``x.T @ y`` for an n × k design and an n-vector."""
    result: Array = np.einsum("ij,i->j", x, y)
    return result


def _gram(x: Array, weight: Array | None = None) -> Array:
    """``x.T @ diag(weight) @ x`` (k × k)."""
    if weight is None:
        result: Array = np.einsum("ij,ik->jk", x, x)
    else:
        result = np.einsum("ij,i,ik->jk", x, weight, x)
    return result


def _rcond(matrix: Array) -> float:
    """Reciprocal 1-norm condition number (R's ``rcond``), 0 for a singular matrix."""
    try:
        inverse = np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return 0.0
    norm = float(np.abs(matrix).sum(axis=0).max())
    inverse_norm = float(np.abs(inverse).sum(axis=0).max())
    if not np.isfinite(inverse_norm) or norm == 0:
        return 0.0
    return 1.0 / (norm * inverse_norm)


def _solve_gram(x: Array, mask: NDArray[np.bool_], what: str) -> Array:
    """``inv(X'X / n)`` over the rows in ``mask`` (n = all rows), refusing a singular design."""
    xm = x[mask]
    gram = _gram(xm) / len(x)
    if xm.shape[0] == 0 or _rcond(gram) < _EPS:
        raise CellError(f"the {what} design is singular (too few units or collinear covariates)")
    inverse: Array = np.asarray(np.linalg.inv(gram), dtype=np.float64)
    return inverse


def _ols(y: Array, x: Array, mask: NDArray[np.bool_], what: str) -> tuple[Array, Array]:
    """OLS of ``y`` on ``x`` over ``mask``: (fitted values for every row, ``inv(X'X/n)``)."""
    inverse = _solve_gram(x, mask, what)
    beta = inverse @ (_xty(x[mask], y[mask]) / len(x))
    fitted: Array = _xv(x, beta)
    return fitted, inverse


def logit(d: Array, x: Array) -> Array:
    """Maximum-likelihood logit fitted probabilities of ``d`` on ``x`` (Newton-Raphson).

    Iterates to machine precision (tighter than R ``glm``'s deviance tolerance of 1e-8), so the
    result is the exact MLE that every implementation approximates.
    """
    if x.shape[1] == 1:
        # Intercept only: the MLE is the share of treated units, no iterations needed.
        return np.full(len(d), float(d.mean()))
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        eta = _xv(x, beta)
        p = 1.0 / (1.0 + np.exp(-eta))
        weight = p * (1 - p)
        hessian = _gram(x, weight)
        if _rcond(hessian) < _EPS:
            raise CellError("the propensity-score design is singular (overlap violated)")
        step = np.linalg.solve(hessian, _xty(x, d - p))
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-13 * (1 + float(np.max(np.abs(beta)))):
            break
    fitted: Array = 1.0 / (1.0 + np.exp(-_xv(x, beta)))
    return fitted


def _pscore(d: Array, x: Array) -> tuple[Array, Array, Array]:
    """Propensity score (capped), the trimming indicator and ``inv(X'WX) * n`` (R ``DRDID``)."""
    ps = logit(d, x)
    if float(ps.max()) >= 0.999:
        raise CellError("the overlap condition is violated (a propensity score ≥ 0.999)")
    ps = np.minimum(ps, _PS_CAP)
    keep = np.where(d == 1, ps < 1.01, ps < _TRIM_LEVEL).astype(np.float64)
    information = _gram(x, ps * (1 - ps))
    if _rcond(information) < _EPS:
        raise CellError("the propensity-score design is singular")
    hessian: Array = np.asarray(np.linalg.inv(information), dtype=np.float64) * len(d)
    return ps, keep, hessian


def _check_controls(x: Array, d: Array) -> None:
    """R ``did``'s pre-check for outcome regressions: the comparison units' X'X must be regular."""
    xc = x[d == 0]
    if xc.shape[0] == 0 or (x.shape[1] > 1 and _rcond(_gram(xc)) < _EPS):
        raise CellError("not enough comparison units to run the outcome regression")


# -- panel data ------------------------------------------------------------------------------


def dr_panel(dy: Array, d: Array, x: Array) -> tuple[float, Array]:
    """Improved locally efficient doubly robust DiD for panel data (``DRDID::drdid_panel``)."""
    _check_controls(x, d)
    ps, keep, hessian = _pscore(d, x)
    out, ols_inverse = _ols(dy, x, d == 0, "outcome regression")
    w_treat = keep * d
    w_cont = keep * ps * (1 - d) / (1 - ps)
    resid = dy - out
    mean_wt, mean_wc = w_treat.mean(), w_cont.mean()
    eta_treat = float((w_treat * resid).mean() / mean_wt)
    eta_cont = float((w_cont * resid).mean() / mean_wc)
    # Asymptotic linear representations, applied to a moment vector m: rep(m) (n values).
    ols_scale = (1 - d) * resid
    ps_scale = d - ps
    m1 = (w_treat[:, None] * x).mean(axis=0)
    m2 = ((w_cont * (resid - eta_cont))[:, None] * x).mean(axis=0)
    m3 = (w_cont[:, None] * x).mean(axis=0)
    inf_treat = (w_treat * (resid - eta_treat) - ols_scale * _xv(x, ols_inverse @ m1)) / mean_wt
    inf_cont = (
        w_cont * (resid - eta_cont)
        + ps_scale * _xv(x, hessian @ m2)
        - ols_scale * _xv(x, ols_inverse @ m3)
    ) / mean_wc
    return eta_treat - eta_cont, inf_treat - inf_cont


def ipw_panel(dy: Array, d: Array, x: Array) -> tuple[float, Array]:
    """Standardised (Hájek) inverse probability weighted DiD, panel (``std_ipw_did_panel``)."""
    ps, keep, hessian = _pscore(d, x)
    w_treat = keep * d
    w_cont = keep * ps * (1 - d) / (1 - ps)
    mean_wt, mean_wc = w_treat.mean(), w_cont.mean()
    eta_treat = float((w_treat * dy).mean() / mean_wt)
    eta_cont = float((w_cont * dy).mean() / mean_wc)
    inf_treat = w_treat * (dy - eta_treat) / mean_wt
    m2 = ((w_cont * (dy - eta_cont))[:, None] * x).mean(axis=0)
    inf_cont = (w_cont * (dy - eta_cont) + (d - ps) * _xv(x, hessian @ m2)) / mean_wc
    return eta_treat - eta_cont, inf_treat - inf_cont


def reg_panel(dy: Array, d: Array, x: Array) -> tuple[float, Array]:
    """Outcome-regression DiD for panel data (Heckman, Ichimura & Todd; ``reg_did_panel``)."""
    _check_controls(x, d)
    out, ols_inverse = _ols(dy, x, d == 0, "outcome regression")
    w_treat = d
    mean_wt = w_treat.mean()
    eta_treat = float((w_treat * dy).mean() / mean_wt)
    eta_cont = float((w_treat * out).mean() / mean_wt)
    inf_treat = w_treat * (dy - eta_treat) / mean_wt
    m1 = (w_treat[:, None] * x).mean(axis=0)
    rep = (1 - d) * (dy - out) * _xv(x, ols_inverse @ m1)
    inf_cont = (w_treat * (out - eta_cont) + rep) / mean_wt
    return eta_treat - eta_cont, inf_treat - inf_cont


# -- repeated cross sections (used for unbalanced panels, as R ``did`` does) ------------------


def _rc_masses(*weights: Array) -> None:
    for weight in weights:
        if float(weight.sum()) <= 0:
            raise CellError("a group has no observations in one of the two periods")


def dr_rc(y: Array, post: Array, d: Array, x: Array) -> tuple[float, Array]:
    """Locally efficient doubly robust DiD for repeated cross sections (``DRDID::drdid_rc``)."""
    _check_controls(x, d)
    ps, keep, hessian = _pscore(d, x)
    cont, treat = d == 0, d == 1
    is_post, is_pre = post == 1, post == 0
    out_cont_pre, inv_cont_pre = _ols(y, x, cont & is_pre, "outcome regression")
    out_cont_post, inv_cont_post = _ols(y, x, cont & is_post, "outcome regression")
    out_cont = post * out_cont_post + (1 - post) * out_cont_pre
    out_treat_pre, inv_treat_pre = _ols(y, x, treat & is_pre, "treated outcome regression")
    out_treat_post, inv_treat_post = _ols(y, x, treat & is_post, "treated outcome regression")

    w_treat_pre = keep * d * (1 - post)
    w_treat_post = keep * d * post
    w_cont_pre = keep * ps * (1 - d) * (1 - post) / (1 - ps)
    w_cont_post = keep * ps * (1 - d) * post / (1 - ps)
    w_d = keep * d
    _rc_masses(w_treat_pre, w_treat_post, w_cont_pre, w_cont_post)

    def ratio(weight: Array, value: Array) -> tuple[Array, float]:
        eta = weight * value / weight.mean()
        return eta, float(eta.mean())

    resid = y - out_cont
    eta_tpre, att_tpre = ratio(w_treat_pre, resid)
    eta_tpost, att_tpost = ratio(w_treat_post, resid)
    eta_cpre, att_cpre = ratio(w_cont_pre, resid)
    eta_cpost, att_cpost = ratio(w_cont_post, resid)
    gap_post = out_treat_post - out_cont_post
    gap_pre = out_treat_pre - out_cont_pre
    eta_d_post, att_d_post = ratio(w_d, gap_post)
    eta_dt1_post, att_dt1_post = ratio(w_treat_post, gap_post)
    eta_d_pre, att_d_pre = ratio(w_d, gap_pre)
    eta_dt0_pre, att_dt0_pre = ratio(w_treat_pre, gap_pre)
    att = (
        (att_tpost - att_tpre)
        - (att_cpost - att_cpre)
        + (att_d_post - att_dt1_post)
        - (att_d_pre - att_dt0_pre)
    )

    def rep(mask: NDArray[np.bool_], fitted: Array, inverse: Array, moment: Array) -> Array:
        """Linear representation of one OLS fit, applied to a moment vector."""
        result: Array = mask * (y - fitted) * _xv(x, inverse @ moment)
        return result

    def wmean(weight: Array) -> Array:
        result: Array = (weight[:, None] * x).mean(axis=0)
        return result

    inf_treat_pre = eta_tpre - w_treat_pre * att_tpre / w_treat_pre.mean()
    inf_treat_post = eta_tpost - w_treat_post * att_tpost / w_treat_post.mean()
    m1_post = -wmean(w_treat_post * post) / w_treat_post.mean()
    m1_pre = -wmean(w_treat_pre * (1 - post)) / w_treat_pre.mean()
    inf_treat_or = rep(cont & is_post, out_cont_post, inv_cont_post, m1_post) - rep(
        cont & is_pre, out_cont_pre, inv_cont_pre, m1_pre
    )
    inf_cont_pre = eta_cpre - w_cont_pre * att_cpre / w_cont_pre.mean()
    inf_cont_post = eta_cpost - w_cont_post * att_cpost / w_cont_post.mean()
    m2_pre = wmean(w_cont_pre * (resid - att_cpre)) / w_cont_pre.mean()
    m2_post = wmean(w_cont_post * (resid - att_cpost)) / w_cont_post.mean()
    inf_cont_ps = (d - ps) * _xv(x, hessian @ (m2_post - m2_pre))
    m3_post = -wmean(w_cont_post * post) / w_cont_post.mean()
    m3_pre = -wmean(w_cont_pre * (1 - post)) / w_cont_pre.mean()
    inf_cont_or = rep(cont & is_post, out_cont_post, inv_cont_post, m3_post) - rep(
        cont & is_pre, out_cont_pre, inv_cont_pre, m3_pre
    )
    inf_eff = (
        (eta_d_post - w_d * att_d_post / w_d.mean())
        - (eta_dt1_post - w_treat_post * att_dt1_post / w_treat_post.mean())
        - (eta_d_pre - w_d * att_d_pre / w_d.mean())
        + (eta_dt0_pre - w_treat_pre * att_dt0_pre / w_treat_pre.mean())
    )
    mom_post = wmean(w_d / w_d.mean() - w_treat_post / w_treat_post.mean())
    mom_pre = wmean(w_d / w_d.mean() - w_treat_pre / w_treat_pre.mean())
    inf_or = (
        rep(treat & is_post, out_treat_post, inv_treat_post, mom_post)
        - rep(cont & is_post, out_cont_post, inv_cont_post, mom_post)
    ) - (
        rep(treat & is_pre, out_treat_pre, inv_treat_pre, mom_pre)
        - rep(cont & is_pre, out_cont_pre, inv_cont_pre, mom_pre)
    )
    inf_treat = inf_treat_post - inf_treat_pre + inf_treat_or
    inf_cont = inf_cont_post - inf_cont_pre + inf_cont_ps + inf_cont_or
    return att, inf_treat - inf_cont + inf_eff + inf_or


def ipw_rc(y: Array, post: Array, d: Array, x: Array) -> tuple[float, Array]:
    """Standardised IPW DiD for repeated cross sections (``DRDID::std_ipw_did_rc``)."""
    ps, keep, hessian = _pscore(d, x)
    w_treat_pre = keep * d * (1 - post)
    w_treat_post = keep * d * post
    w_cont_pre = keep * ps * (1 - d) * (1 - post) / (1 - ps)
    w_cont_post = keep * ps * (1 - d) * post / (1 - ps)
    _rc_masses(w_treat_pre, w_treat_post, w_cont_pre, w_cont_post)
    parts = []
    for weight in (w_treat_pre, w_treat_post, w_cont_pre, w_cont_post):
        mean_w = weight.mean()
        eta = weight * y / mean_w
        level = float(eta.mean())
        parts.append((level, eta - weight * level / mean_w, mean_w, weight))
    (a_tpre, i_tpre, _, _), (a_tpost, i_tpost, _, _) = parts[0], parts[1]
    (a_cpre, i_cpre, m_cpre, _), (a_cpost, i_cpost, m_cpost, _) = parts[2], parts[3]
    att = (a_tpost - a_tpre) - (a_cpost - a_cpre)
    m2_pre = ((w_cont_pre * (y - a_cpre))[:, None] * x).mean(axis=0) / m_cpre
    m2_post = ((w_cont_post * (y - a_cpost))[:, None] * x).mean(axis=0) / m_cpost
    inf_cont = i_cpost - i_cpre + (d - ps) * _xv(x, hessian @ (m2_post - m2_pre))
    return att, (i_tpost - i_tpre) - inf_cont


def reg_rc(y: Array, post: Array, d: Array, x: Array) -> tuple[float, Array]:
    """Outcome-regression DiD for repeated cross sections (``DRDID::reg_did_rc``)."""
    _check_controls(x, d)
    cont = d == 0
    out_pre, inv_pre = _ols(y, x, cont & (post == 0), "outcome regression")
    out_post, inv_post = _ols(y, x, cont & (post == 1), "outcome regression")
    w_treat_pre = d * (1 - post)
    w_treat_post = d * post
    w_treat = d
    _rc_masses(w_treat_pre, w_treat_post)
    eta_tpre = float((w_treat_pre * y).mean() / w_treat_pre.mean())
    eta_tpost = float((w_treat_post * y).mean() / w_treat_post.mean())
    eta_cont = float((w_treat * (out_post - out_pre)).mean() / w_treat.mean())
    att = eta_tpost - eta_tpre - eta_cont
    inf_tpre = w_treat_pre * (y - eta_tpre) / w_treat_pre.mean()
    inf_tpost = w_treat_post * (y - eta_tpost) / w_treat_post.mean()
    moment = (w_treat[:, None] * x).mean(axis=0)
    rep_post = (cont & (post == 1)) * (y - out_post) * _xv(x, inv_post @ moment)
    rep_pre = (cont & (post == 0)) * (y - out_pre) * _xv(x, inv_pre @ moment)
    inf_cont = (w_treat * (out_post - out_pre - eta_cont) + rep_post - rep_pre) / w_treat.mean()
    return att, inf_tpost - inf_tpre - inf_cont


PANEL_ESTIMATORS: dict[str, PanelEstimator] = {"dr": dr_panel, "ipw": ipw_panel, "reg": reg_panel}
RC_ESTIMATORS: dict[str, RcEstimator] = {"dr": dr_rc, "ipw": ipw_rc, "reg": reg_rc}
