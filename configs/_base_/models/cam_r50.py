# CAM classifier of IRN: ResNet-50 at output stride 16 (last stage not strided), frozen
# BN, stem + layer1 frozen, a bias-free 1 x 1 conv classifier over GAP features.
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
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1),
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        frozen_stages=1,
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    cam_head=dict(type='CAMHead', in_channels=2048, num_classes=20),
    test_cfg=dict(
        scales=(1.0, 0.5, 1.5, 2.0),
        flip=True,
        output_stride=16,
        use_gt_label=True))
