# PSA's CAM network: wide ResNet-38 (output stride 8, frozen BN and stem) and a
# bias-free 1x1 classifier over its last level (4096 channels). The backbone
# starts from PSA's ImageNet ResNet-38, converted with
# tools/model_converters/resnet38_to_mmirn.py (no download here).
data_preprocessor = dict(
    type='WSSSDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='CAMClassifier',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='WideResNet38',
        out_indices=(5, ),
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        frozen_stages=0,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrain/resnet38_ilsvrc_mmirn.pth',
            prefix='backbone.')),
    cam_head=dict(type='CAMHead', in_channels=4096, num_classes=20),
    test_cfg=dict(
        scales=(1.0, 0.5, 1.5, 2.0),
        flip=True,
        output_stride=8,
        use_gt_label=True))
