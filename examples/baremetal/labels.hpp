#pragma once
// Class names of the MLPerf Tiny classifiers, by MOTE_DEMO_KIND (1 KWS, 2 VWW, 3 IC; 4 AD has
// none: it reconstructs its input). Shared by the firmware and the host build of the examples.
namespace demo {
#if MOTE_DEMO_KIND == 1
inline constexpr const char* labels[] = {"down", "go",   "left", "no", "off",     "on",
                                         "right", "stop", "up",  "yes", "silence", "unknown"};
#elif MOTE_DEMO_KIND == 2
inline constexpr const char* labels[] = {"notperson", "person"};
#elif MOTE_DEMO_KIND == 3
inline constexpr const char* labels[] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                         "dog",      "frog",       "horse", "ship", "truck"};
#endif
}  // namespace demo
