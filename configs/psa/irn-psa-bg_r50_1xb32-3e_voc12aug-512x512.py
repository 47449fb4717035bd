# Mixed, on PASCAL VOC 2012: IRN's boundary affinities (ResNet-50 IRNet of
# configs/irn/) with PSA's propagated background (alpha 16) instead of IRN's
# constant background threshold.
_base_ = ['../irn/irn_r50_1xb32-3e_voc12aug-512x512.py']
test_evaluator = [
    dict(
        type='PSALabelMetric',
        cam_dir=_base_.cam_dir,
        out_dir=_base_.work_root + '/{{fileBasenameNoExtension}}/labels',
        source='boundary',
        stride=4,
        alpha=16,
        beta=10,
        num_iters=256,
        prefix='irn_psa_bg'),
]
