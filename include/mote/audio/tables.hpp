#pragma once
// A front end's set-up tables as compile-time constants (in flash), one variable per stage so a
// program holds only the ones it uses; the FFT's and the log LUT are shared by all
// configurations with the same FFT length.
#include <cstddef>

#include "mote/audio/config.hpp"
#include "mote/audio/fft.hpp"
#include "mote/audio/filterbank.hpp"
#include "mote/audio/log_scale.hpp"
#include "mote/audio/noise_reduction.hpp"
#include "mote/audio/pcan.hpp"
#include "mote/audio/window.hpp"

namespace mote::audio {

template <const FrontendConfig& C>
inline constexpr WindowCoefficients<window_samples(C)> window_table =
    make_window<window_samples(C)>(C.setup_math);

template <const FrontendConfig& C>
inline constexpr FilterbankTablesFor<C> filterbank_table = make_filterbank<C>();

template <const FrontendConfig& C>
inline constexpr NoiseReduction noise_reduction_table = make_noise_reduction(C);

template <const FrontendConfig& C>
inline constexpr Pcan pcan_table = make_pcan(C);

// Flash the tables of configuration C take (PCAN's only when it is enabled).
template <const FrontendConfig& C>
inline constexpr std::size_t table_bytes =
    sizeof(window_table<C>) + sizeof(fft_tables<fft_size(C)>) + sizeof(filterbank_table<C>) +
    sizeof(noise_reduction_table<C>) + (C.pcan_enabled ? sizeof(pcan_table<C>) : 0) +
    (C.log_enabled ? sizeof(log_lut) : 0);

}  // namespace mote::audio
