# Mixed, on PASCAL VOC 2012: IRN's boundary affinities (ResNet-50 IRNet of
# configs/irn/) with PSA's propagated background (alpha 16) instead of IRN's
# constant background threshold.
_base_ = ['../irn/irn_r50_1xb32-3e_voc12aug-512x512.py']
# IRN's boundaries walk PSA's background with the CAMs (stride and radius from
# pred_boundary's metainfo)
model = dict(
    labeler=dict(
        _delete_=True,
        type='PSALabeler',
        source='boundary',
        alpha=16,
        beta=10,
        num_iters=256))
test_evaluator = [dict(type='LabelIoUMetric', prefix='irn_psa_bg')]
default_hooks = dict(
    writer=dict(
        out_dirs=dict(
            _delete_=True,
            sem=_base_.work_root + '/{{fileBasenameNoExtension}}/labels')))
