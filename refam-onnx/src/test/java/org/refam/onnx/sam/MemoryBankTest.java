package org.refam.onnx.sam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The memory selection and the memory-attention inputs of {@link MemoryBank}, without ONNX. */
class MemoryBankTest {
    private static final int CHANNELS = 3;

    private static MemoryBank.Entry entry(int frame, Random r) {
        float[] features = new float[4];
        float[] pos = new float[2 * CHANNELS];
        for (int i = 0; i < features.length; i++) {
            features[i] = r.nextFloat();
        }
        for (int i = 0; i < pos.length; i++) {
            pos[i] = r.nextFloat();
        }
        return new MemoryBank.Entry(frame, features, pos);
    }

    @Test
    void stepKSeesFrameZeroAndTheCapacityMinusOneFramesBeforeK() {
        Random r = new Random(3);
        int capacity = 7;
        MemoryBank bank = new MemoryBank(new float[capacity * CHANNELS], capacity);
        bank.condition(entry(0, r));
        for (int k = 1; k < 20; k++) {
            List<MemoryBank.Slot> slots = bank.slots(k);
            assertThat(slots.get(0).entry().frame()).isZero();
            assertThat(slots.get(0).tPos()).isZero();
            assertThat(slots).hasSize(Math.min(k, capacity));
            for (int j = 1; j < slots.size(); j++) {
                assertThat(slots.get(j).entry().frame()).isEqualTo(k - j);
                assertThat(slots.get(j).tPos()).isEqualTo(j);
            }
            bank.add(entry(k, r));
        }
    }

    @Test
    void positionsAddTheTemporalRowOfEachSlotToEveryToken() {
        Random r = new Random(4);
        int capacity = 4;
        float[] code = new float[capacity * CHANNELS];
        for (int i = 0; i < code.length; i++) {
            code[i] = 100 * (i / CHANNELS) + i % CHANNELS;
        }
        MemoryBank bank = new MemoryBank(code, capacity);
        bank.condition(entry(0, r));
        bank.add(entry(1, r));
        bank.add(entry(2, r));
        List<MemoryBank.Slot> slots = bank.slots(3);
        float[] pos = bank.positions(slots);
        float[] features = MemoryBank.features(slots);
        assertThat(pos).hasSize(3 * 2 * CHANNELS);
        for (int s = 0; s < 3; s++) {
            MemoryBank.Slot slot = slots.get(s);
            int row = capacity - slot.tPos() - 1; // maskmem_tpos_enc[num_maskmem - t_pos - 1]
            for (int k = 0; k < 2 * CHANNELS; k++) {
                assertThat(pos[s * 2 * CHANNELS + k]).isEqualTo(slot.entry().pos()[k] + 100 * row + k % CHANNELS);
            }
            for (int k = 0; k < 4; k++) {
                assertThat(features[s * 4 + k]).isEqualTo(slot.entry().features()[k]);
            }
        }
    }

    @Test
    void aTemporalCodeThatDoesNotSplitIntoRowsIsRejected() {
        assertThatThrownBy(() -> new MemoryBank(new float[10], 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10 values").hasMessageContaining("3 rows");
    }
}
