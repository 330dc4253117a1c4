#pragma once
#include <cstddef>
#include <tuple>

namespace mote {

template <class... T>
struct type_list {
    static constexpr std::size_t size = sizeof...(T);
};

template <std::size_t I, class List>
struct type_at;
template <std::size_t I, class... T>
struct type_at<I, type_list<T...>> {
    using type = std::tuple_element_t<I, std::tuple<T...>>;
};
template <std::size_t I, class List>
using type_at_t = typename type_at<I, List>::type;

template <class A, class B>
struct concat_lists;
template <class... A, class... B>
struct concat_lists<type_list<A...>, type_list<B...>> {
    using type = type_list<A..., B...>;
};
template <class A, class B>
using concat_t = typename concat_lists<A, B>::type;

template <class List, std::size_t Begin, std::size_t End>
struct slice {
    template <std::size_t... I>
    static auto pick(std::index_sequence<I...>) -> type_list<type_at_t<Begin + I, List>...>;
    using type = decltype(pick(std::make_index_sequence<End - Begin>{}));
};
template <class List, std::size_t Begin, std::size_t End>
using slice_t = typename slice<List, Begin, End>::type;

}  // namespace mote
