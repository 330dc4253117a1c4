#pragma once
#include "mote/core/diagnostics.hpp"
#include "mote/layers/layer.hpp"

namespace mote {

// Free at run time: the output is a view of the input buffer with another shape.
template <Shape S>
struct Reshape {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Reshape";
        static constexpr bool alias = true;
        static_assert(diagnostic::ElementCountMismatch<Index, static_cast<std::size_t>(In::elements),
                                                       static_cast<std::size_t>(S.elements())>::ok);
        using output = Reshaped<In, S>;
    };
};

struct Flatten {
    template <class In, int Index>
    struct bind : LayerFacts {
        using input = In;
        static constexpr const char* name = "Flatten";
        static constexpr bool alias = true;
        using output = Reshaped<In, Shape{1, 1, In::elements}>;
    };
};

}  // namespace mote
