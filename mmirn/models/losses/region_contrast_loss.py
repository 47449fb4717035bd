"""Regional semantic contrast with region mixup (RCA, CVPR22, eq. 4-6)."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmirn.registry import MODELS


def region_nce(query: Tensor, bank: Tensor, filled: Tensor,
               tau: float) -> Tensor:
    """InfoNCE of each query against the memory (eq. 4-5).

    For a query ``f`` of class ``c`` the positives are the written slots of
    ``c`` and the negatives the written slots of the other classes; the loss
    is ``-mean_{p in P_c} log(exp(f.p / tau) / sum_{k} exp(f.k / tau))`` with
    L2-normalised vectors, computed with log-sum-exp.

    Args:
        query (Tensor): Embeddings (M, D).
        bank (Tensor): Memory (C, Q, D).
        filled (Tensor): Number of written slots per class (C,).
        tau (float): Temperature.

    Returns:
        Tensor: The per-class losses (M, C): entry ``(i, c)`` treats query
        ``i`` as class ``c``; zero where class ``c`` has no slot.
    """
    c, q, d = bank.shape
    slot_ok = torch.arange(q, device=bank.device)[None] < filled[:, None]
    mem = F.normalize(bank.reshape(c * q, d).to(query.dtype), dim=1)
    sim = F.normalize(query, dim=1) @ mem.t() / tau  # (M, C*Q)
    ok = slot_ok.reshape(-1)
    sim = sim.masked_fill(~ok[None], float('-inf'))
    log_den = torch.logsumexp(sim, dim=1, keepdim=True)
    log_prob = (sim - log_den).masked_fill(~ok[None], 0.0)
    npos = filled.clamp(min=1).to(query.dtype)
    return -log_prob.reshape(-1, c, q).sum(-1) / npos


@MODELS.register_module()
class RegionContrastLoss(nn.Module):
    """Region contrast against the memory bank with region mixup (eq. 4-6).

    Every non-empty region ``f_i`` (class ``c_i``) is mixed with a region
    ``f_j`` of the batch (a random permutation of the
    batch's regions, so the partner may come from the same image; a single
    region is mixed with itself),
    ``f = lambda f_i + (1 - lambda) f_j`` with ``lambda ~ Beta(alpha, alpha)``,
    and its loss is mixed with the same weights,
    ``lambda L(f, c_i) + (1 - lambda) L(f, c_j)`` (eq. 6). The loss is 0 (with
    a gradient path) when there is no region or the bank is empty.

    Args:
        tau (float): Temperature. Defaults to 0.07.
        mixup_alpha (float): Beta parameter; 0 disables the mixup.
            Defaults to 8.0.
        loss_weight (float): Defaults to 0.01.
    """

    def __init__(self,
                 tau: float = 0.07,
                 mixup_alpha: float = 8.0,
                 loss_weight: float = 0.01) -> None:
        super().__init__()
        self.tau = tau
        self.mixup_alpha = mixup_alpha
        self.loss_weight = loss_weight

    def forward(self,
                emb: Tensor,
                keep: Tensor,
                bank: Tensor,
                filled: Tensor,
                perm: Optional[Tensor] = None,
                lam: Optional[Tensor] = None) -> Tensor:
        """Compute the loss.

        Args:
            emb (Tensor): Region embeddings (N, C, D).
            keep (Tensor): Regions that take part (N, C), e.g. image label
                and non-empty mask.
            bank (Tensor): Memory (C, Q, D).
            filled (Tensor): Written slots per class (C,).
            perm (Tensor, optional): Partner of each kept region (M,), in
                the order of ``keep.nonzero()``; random when not given.
            lam (Tensor, optional): Mixup weights (M,); drawn from
                ``Beta(alpha, alpha)`` when not given.

        Returns:
            Tensor: The weighted scalar loss.
        """
        idx = keep.nonzero()
        if len(idx) == 0 or int(filled.sum()) == 0:
            return emb.sum() * 0.0
        f = emb[idx[:, 0], idx[:, 1]]
        cls = idx[:, 1]
        if perm is None:
            perm = torch.randperm(len(f), device=f.device)
        if lam is None:
            if self.mixup_alpha > 0:
                lam = torch.distributions.Beta(
                    self.mixup_alpha, self.mixup_alpha).sample((len(f), ))
            else:
                lam = torch.ones(len(f))
        lam = lam.to(f)
        mixed = lam[:, None] * f + (1 - lam[:, None]) * f[perm]
        per_cls = region_nce(mixed, bank, filled, self.tau)
        ar = torch.arange(len(f), device=f.device)
        loss = lam * per_cls[ar, cls] + (1 - lam) * per_cls[ar, cls[perm]]
        return self.loss_weight * loss.mean()
