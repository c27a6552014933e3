package org.refam.onnx.sam;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The SAM2 memory bank of one tracked object: the conditioning (prompted) frame and the most recent tracked frames,
 * and the memory-attention inputs built from them, as {@code SAM2Base._prepare_memory_conditioned_features}
 * (facebookresearch/sam2, {@code sam2/modeling/sam2_base.py}) selects them when propagating forward with one
 * prompted frame:
 * <ul>
 *   <li>the conditioning frame is always in memory, with temporal position {@code t_pos = 0};</li>
 *   <li>frame {@code k - t} is in memory for {@code t = 1 .. capacity - 1} when it has been tracked (not the
 *       conditioning frame, which is there already), with {@code t_pos = t}; older frames drop out;</li>
 *   <li>{@code capacity} is {@code num_maskmem} (7 in every SAM2 config: the conditioning frame + 6 previous
 *       frames), the number of rows of the export's {@code temporal_code} ({@code maskmem_tpos_enc});</li>
 *   <li>the positional encoding of a memory frame with position {@code t_pos} is its {@code maskmem_pos_enc} plus
 *       row {@code capacity - t_pos - 1} of {@code temporal_code}, added to every token.</li>
 * </ul>
 * Memory frames are concatenated conditioning frame first, then the most recent first (the order
 * {@code pagarcia/sam2-onnx-cpp}'s {@code VideoMemoryBank.build_attention_state} uses; attention does not depend on
 * it). Object pointers are not kept: the export has no graph for their temporal projection
 * ({@code obj_ptr_tpos_proj}), see {@link Sam2VideoSegmenter}.
 *
 * <p>Thread-safety: not thread-safe; one propagation owns it.
 */
final class MemoryBank {
    /** One encoded memory frame. */
    record Entry(int frame, float[] features, float[] pos) {
    }

    /** A frame selected for memory attention at some step, with its temporal position. */
    record Slot(Entry entry, int tPos) {
    }

    private final float[] temporalCode;
    private final int capacity;
    private final int channels;
    private Entry conditioning;
    private final Deque<Entry> recent = new ArrayDeque<>();

    /**
     * @param temporalCode the export's {@code temporal_code}, {@code capacity} rows of {@code channels} values
     * @param capacity the number of rows ({@code num_maskmem})
     */
    MemoryBank(float[] temporalCode, int capacity) {
        if (capacity < 1 || temporalCode.length % capacity != 0) {
            throw new IllegalArgumentException("temporal_code of " + temporalCode.length + " values does not split into "
                    + capacity + " rows");
        }
        this.temporalCode = temporalCode.clone();
        this.capacity = capacity;
        this.channels = temporalCode.length / capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Sets the conditioning frame (the prompted one). */
    void condition(Entry e) {
        conditioning = e;
    }

    /** Adds a tracked frame; frames too old to be selected again are dropped. */
    void add(Entry e) {
        recent.addFirst(e);
        while (recent.size() > capacity - 1) {
            recent.removeLast();
        }
    }

    /** The frames memory attention sees when tracking frame {@code frame}, in concatenation order. */
    List<Slot> slots(int frame) {
        List<Slot> out = new ArrayList<>();
        if (conditioning != null) {
            out.add(new Slot(conditioning, 0));
        }
        for (Entry e : recent) {
            int t = frame - e.frame();
            if (t >= 1 && t <= capacity - 1 && (conditioning == null || e.frame() != conditioning.frame())) {
                out.add(new Slot(e, t));
            }
        }
        return out;
    }

    /** {@code memory_1}: the slots' features concatenated, {@code [slots, 64, 64, 64]}. */
    static float[] features(List<Slot> slots) {
        int n = slots.get(0).entry().features().length;
        float[] out = new float[slots.size() * n];
        for (int i = 0; i < slots.size(); i++) {
            System.arraycopy(slots.get(i).entry().features(), 0, out, i * n, n);
        }
        return out;
    }

    /** {@code memory_pos_embed}: each slot's {@code maskmem_pos_enc} plus its temporal code row, concatenated. */
    float[] positions(List<Slot> slots) {
        int n = slots.get(0).entry().pos().length;
        if (n % channels != 0) {
            throw new IllegalArgumentException("maskmem_pos_enc of " + n + " values is not a multiple of the "
                    + channels + " temporal_code channels");
        }
        float[] out = new float[slots.size() * n];
        for (int i = 0; i < slots.size(); i++) {
            float[] pos = slots.get(i).entry().pos();
            int row = (capacity - slots.get(i).tPos() - 1) * channels;
            int base = i * n;
            for (int k = 0; k < n; k++) {
                out[base + k] = pos[k] + temporalCode[row + k % channels];
            }
        }
        return out;
    }
}
