# IRNet (Ahn et al., CVPR19): the CAM classifier's ResNet-50 (output stride 16), frozen,
# with the IRN head (class boundary + displacement field branches, GroupNorm) on its
# five levels. Leaf configs point the backbone's init_cfg at the trained CAM checkpoint.
# The labels come from the model (labellers over the stored CAMs and the predicted
# boundaries / displacements); the writer writes them; the metrics only score.
labeler = dict(
    type='ComposeLabelers',
    labelers=dict(
        sem=dict(type='IRNSemanticLabeler', bg_thr=0.25),
        # 'full' as pred_instances; the ablation's modes as pred_instances_<mode>
        # (cam_boundary reuses the semantic walk); background thresholds of the
        # walked (bg_thr) and raw (cam_bg_thr) CAMs
        ins=dict(
            type='IRNInstanceLabeler',
            mode='full',
            extra_modes=('cam', 'cam_boundary'),
            bg_thr=0.25,
            cam_bg_thr=0.15)))
data_preprocessor = dict(
    type='WSSSDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='IRNet',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        # mmseg's ResNet (same parameters as the CAM classifier's) that outputs the
        # stem too: the stem and the four stages of out_indices are the five levels
        type='ResNetWithStem',
        depth=50,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1),
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        style='pytorch'),
    decode_head=dict(
        type='IRNHead',
        in_channels=(64, 256, 512, 1024, 2048),
        boundary_channels=32,
        disp_channels=(64, 128, 256, 256, 256),
        disp_fuse_channels=256,
        loss_decode=dict(type='IRNLoss', radius=10)),
    test_cfg=dict(flip=True),
    labeler=labeler)
