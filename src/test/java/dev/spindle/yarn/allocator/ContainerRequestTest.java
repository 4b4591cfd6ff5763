package dev.spindle.yarn.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.junit.jupiter.api.Test;

class ContainerRequestTest {
    private static final Resource SIZE = Resource.newInstance(1536, 2);

    @Test
    void withoutPendingLocalityAnyHostWill() {
        ContainerRequest request = YarnAllocator.containerRequest(SIZE, Map.of());
        assertThat(request.getNodes()).isNullOrEmpty();
        assertThat(request.getCapability()).isEqualTo(SIZE);
    }

    @Test
    void theHostsMostTasksWantComeFirstAndYarnMayRelaxToOthers() {
        Map<String, Integer> pending = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            pending.put("dn" + i, i);
        }
        ContainerRequest request = YarnAllocator.containerRequest(SIZE, pending);
        assertThat(request.getNodes()).containsExactly("dn11", "dn10", "dn9", "dn8", "dn7", "dn6", "dn5", "dn4");
        assertThat(request.getRelaxLocality()).isTrue();
        assertThat(request.getCapability()).isEqualTo(SIZE);
    }
}
