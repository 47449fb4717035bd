# Mixed: IRN's boundary affinities with PSA's propagated background. The IRNet of
# configs/irn/ (same checkpoint), whose test loop walks PSA's background
# (1 - max CAM)^16 together with the CAMs on the boundary affinities (stride 4,
# IRN's beta 10) and takes the arg-max, instead of IRN's constant 0.25 threshold.
#
#   python tools/test.py configs/psa/irn-psa-bg_r18_1xb8-300i_toyvoc-128x128.py \
#       work_dirs/irn_r18_1xb8-300i_toyvoc-128x128/iter_300.pth
_base_ = ['../irn/irn_r18_1xb8-300i_toyvoc-128x128.py']
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
