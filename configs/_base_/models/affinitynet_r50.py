# AffinityNet (Ahn and Kwak, CVPR18) on an mmseg ResNet-50 at output stride 8
# (last two stages dilated), the IRN paper's AffinityNet-R50: three levels
# (layer2..layer4) reduced to 64 + 128 + 256 channels, one more 1x1 conv, and
# feature affinities at radius 5. Frozen BN and stem, as PSA trains.
data_preprocessor = dict(
    type='WSSSDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='AffinityNet',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(1, 2, 3),
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        frozen_stages=0,
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    decode_head=dict(
        type='AffinityHead',
        in_channels=(512, 1024, 2048),
        reduce_channels=(64, 128, 256),
        channels=448,
        radius=5,
        loss_decode=dict(type='AffinityLoss', radius=5)),
    test_cfg=dict(stride=8))
