package org.refam.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.refam.api.RefAmException;

/** How {@link AttentionKernels} picks its implementation from {@code -Drefam.kernels} and the vector module. */
class KernelSelectionTest {

    @Test
    void withoutTheModuleAutoIsScalarAndSaysHowToGetTheVectorKernels() {
        for (String requested : new String[] {null, "", "auto", " AUTO "}) {
            AttentionKernels.Choice c = AttentionKernels.choose(requested, false);
            assertThat(c.impl()).isInstanceOf(ScalarKernels.class);
            assertThat(c.reason()).contains("--add-modules jdk.incubator.vector");
        }
    }

    @Test
    void scalarCanAlwaysBeForced() {
        AttentionKernels.Choice c = AttentionKernels.choose(" Scalar ", true);
        assertThat(c.impl()).isInstanceOf(ScalarKernels.class);
        assertThat(c.reason()).contains("-Drefam.kernels=scalar");
    }

    @Test
    void forcingPanamaWithoutTheModuleFailsWithTheFlagToAdd() {
        assertThatThrownBy(() -> AttentionKernels.choose("panama", false))
                .isInstanceOf(RefAmException.class)
                .hasMessageContaining("-Drefam.kernels=panama")
                .hasMessageContaining("--add-modules jdk.incubator.vector");
    }

    @Test
    void unknownNamesAreRefusedWithTheValidOnes() {
        assertThatThrownBy(() -> AttentionKernels.choose("simd", true))
                .isInstanceOf(RefAmException.class)
                .hasMessageContaining("simd").hasMessageContaining("scalar, panama or auto");
    }

    @Test
    void aVectorClassThatCannotLinkFallsBackToScalarOrFailsWhenForced() {
        // claim the module is there when it is not: loading PanamaKernels then fails to link
        assumeFalse(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "this JVM has the module, so PanamaKernels links");
        AttentionKernels.Choice c = AttentionKernels.choose("auto", true);
        assertThat(c.impl()).isInstanceOf(ScalarKernels.class);
        assertThat(c.reason()).contains("cannot be used");
        assertThatThrownBy(() -> AttentionKernels.choose("panama", true))
                .isInstanceOf(RefAmException.class).hasMessageContaining("cannot be used");
        assertThat(AttentionKernels.implementationName()).isEqualTo("scalar");
    }
}
